package io.streamreplay.client;

import io.streamreplay.cli.UsageErrors;
import io.streamreplay.replay.ReplayOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code sample-client} program: a command-line OVSDB client in the manner of {@code ovsdb-client}, a control
 * tool in the manner of {@code ovs-appctl}, and a workload generator; every command can record its run and replay
 * it without a server.
 */
@Command(name = "sample-client", mixinStandardHelpOptions = true, versionProvider = SampleClient.Version.class,
        description = {"An OVSDB client for sample-db-server and any OVSDB server (Open vSwitch's included).",
                "The server is --server=NAME or the first argument: unix:PATH, tcp:IP[:PORT] or ssl:IP[:PORT]"
                        + " (default: " + ClientOptions.DEFAULT_SERVER + ")."},
        subcommands = {ListDbsCommand.class, GetSchemaCommand.class, ListTablesCommand.class,
                ListColumnsCommand.class, TransactCommand.Transact.class, TransactCommand.Query.class,
                DumpCommand.class,
                MonitorCommand.Monitor.class, MonitorCommand.MonitorCond.class, LockCommand.Lock.class,
                LockCommand.Steal.class, LockCommand.Unlock.class, EchoCommand.class, ControlClientCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success", "1:the server is unreachable or answered with an error; an internal error (a"
                + " recording of the run then says 'crashed')",
                "2:bad command line or input (nothing was sent); an error reply to 'control'",
                "3:replay reached the end of a complete recording too early", "4:replay diverged from the recording",
                "5:writing the recording failed, with --replay-record-on-error=exit",
                "130:interrupted by Ctrl-C (bench prints its partial summary first)"})
public final class SampleClient {

    /** The version, shown by {@code --version}. */
    public static final String VERSION = "0.1.0";

    /** Picocli's version text. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sample-client (streamreplay) " + VERSION};
        }
    }

    @Mixin
    private ClientOptions options;

    /** The replay options given before the command name; a command's own come first. */
    @Mixin
    private ReplayOptions replayOptions;

    private SampleClient() {
    }

    /** The replay options given before the command name. */
    ReplayOptions replayOptions() {
        return replayOptions;
    }

    /** The options shared by every command. */
    ClientOptions options() {
        return options;
    }

    /** The command line, ready to execute; tests capture its output with {@code setOut}/{@code setErr}. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new SampleClient());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return UsageErrors.oneLine(commandLine);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
