package io.facestream.cli;

import picocli.CommandLine.Command;

/** The follow commands: what the system publishes, as it comes. */
@Command(name = "follow", description = "Follow what the system publishes on Kafka.",
        subcommands = FollowIdentitiesCommand.class)
final class FollowCommand {
}
