package io.facestream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** The facestream command: its subcommands, exit codes and the one place errors become messages. */
@Command(name = "facestream", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = FacestreamCli.Version.class,
        description = {"The facestream command-line client: publish frames and enrollments to Kafka, follow "
                + "identity matches, train models and manage model artifacts.", ""},
        subcommands = {PublishCommand.class, FollowCommand.class, TrainCommand.class, ArtifactsCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:failed: a service refused, a training run failed, a digest mismatch, nothing published",
                "2:bad arguments",
                "3:Kafka or a service did not answer in time",
                "4:train follow: the run was cancelled",
                "5:publish: some files published, others skipped or failed"})
public final class FacestreamCli {

    /** slf4j-simple's level property: the Kafka clients log through SLF4J. */
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private final boolean errIsTerminal;
    private boolean verbose;

    FacestreamCli(boolean errIsTerminal) {
        this.errIsTerminal = errIsTerminal;
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show the Kafka clients' logs and the stack trace of an unexpected error.")
    void verbose(boolean verbose) {
        this.verbose = verbose;
        if (verbose) {
            System.setProperty(LOG_LEVEL, "info"); // read when the first Kafka client logs, after parsing
        }
    }

    public static void main(String[] args) {
        if (System.getProperty(LOG_LEVEL) == null) {
            // a CLI's stderr is for its own messages; Kafka's reconnect warnings would bury them
            System.setProperty(LOG_LEVEL, "error");
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(args, out, err, stderrIsTerminal()));
    }

    /** Runs one command line; tests call this with their own writers. */
    static int execute(String[] args, PrintWriter out, PrintWriter err, boolean errIsTerminal) {
        FacestreamCli cli = new FacestreamCli(errIsTerminal);
        CommandLine commandLine = new CommandLine(cli);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(cli::handle);
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The root command of a subcommand's spec. */
    static FacestreamCli of(CommandSpec spec) {
        return (FacestreamCli) spec.root().userObject();
    }

    boolean errIsTerminal() {
        return errIsTerminal;
    }

    private int handle(Exception e, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof CliException c) {
            err.println("facestream: " + c.getMessage());
            if (verbose && c.getCause() != null) {
                c.getCause().printStackTrace(err);
            }
            return c.exitCode();
        }
        err.println("facestream: " + e);
        if (verbose) {
            e.printStackTrace(err);
        } else {
            err.println("(--verbose shows the stack trace)");
        }
        return ExitCodes.FAILED;
    }

    /**
     * Whether stderr is a terminal, so progress can be redrawn in place. Java 17 cannot ask about stderr alone
     * (System.console() speaks for stdin and stdout); on Linux the file descriptor's link names the device.
     */
    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null;
        }
    }

    /** The version the jar's manifest states. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FacestreamCli.class.getPackage().getImplementationVersion();
            return new String[]{"facestream " + (v == null ? "(development build)" : v)};
        }
    }
}
