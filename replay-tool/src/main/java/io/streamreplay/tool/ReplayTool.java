package io.streamreplay.tool;

import io.streamreplay.cli.UsageErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code replay-tool} program: shows, summarizes, checks and charts a recording directory made with
 * {@code --replay-record}, without replaying it, and drives its client traffic against a live server
 * ({@code drive}). Every command streams the recording, so recordings of any size can
 * be read, and reads it only; nothing in the directory is changed.
 */
@Command(name = "replay-tool", mixinStandardHelpOptions = true, versionProvider = ReplayTool.Version.class,
        description = {"Shows, summarizes, checks and charts a recording made with --replay-record, and drives its"
                + " client traffic against a live server."},
        subcommands = {DumpCommand.class, StatsCommand.class, VerifyCommand.class, TimelineCommand.class,
                DriveCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success; for verify, the recording is complete and intact",
                "1:the recording has problems (verify), or cannot be read (no manifest, foreign or newer format); dump"
                        + " matched no event; timeline cannot write its page",
                "2:bad command line; for drive, could not drive"})
public final class ReplayTool {

    /** The version, shown by {@code --version}. */
    public static final String VERSION = "0.1.0";

    /** Exit status: the recording has problems or cannot be read. */
    static final int PROBLEMS = 1;

    /** Picocli's version text. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"replay-tool (streamreplay) " + VERSION};
        }
    }

    private ReplayTool() {
    }

    /** The command line, ready to execute; tests capture its output with {@code setOut}/{@code setErr}. */
    public static CommandLine commandLine() {
        return UsageErrors.oneLine(new CommandLine(new ReplayTool()));
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
