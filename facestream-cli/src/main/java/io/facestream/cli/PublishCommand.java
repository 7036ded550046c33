package io.facestream.cli;

import picocli.CommandLine.Command;

/** The publish commands: images to Kafka. */
@Command(name = "publish", description = "Publish images to Kafka: probe frames, enrollments, or a video's frames.",
        subcommands = {PublishFramesCommand.class, PublishEnrollmentsCommand.class, PublishVideoCommand.class})
final class PublishCommand {
}
