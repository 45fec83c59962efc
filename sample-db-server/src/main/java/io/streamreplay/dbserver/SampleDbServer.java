package io.streamreplay.dbserver;

import io.streamreplay.cli.UsageErrors;
import io.streamreplay.control.LogLevels;
import io.streamreplay.replay.ReplayMode;
import io.streamreplay.replay.ReplayNeutral;
import io.streamreplay.replay.ReplayOptions;
import io.streamreplay.replay.TlsOptions;
import io.streamreplay.status.StatusEndpoint;
import io.streamreplay.stream.InvalidStreamNameException;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code sample-db-server} program: an OVSDB server for one or more database files, listening and connecting
 * on the given remotes, with a control socket, that can record its run and replay it.
 *
 * <p>Exit status: 0 after {@code exit} on the control socket (or the replay of one), 1 for a start-up problem,
 * 2 for bad usage, 3 when a replay runs out of recording, 4 when a replay diverges, 5 when writing the recording
 * failed under {@code --replay-record-on-error=exit}, {@value #CRASH_STATUS} after an internal error (out of memory,
 * a bug), which a recording's manifest calls {@code crashed}, 128 + N when stopped by signal N (143 for SIGTERM, 130
 * for SIGINT).
 *
 * <p>A replay ({@code --replay=DIR}) runs the recorded command line, with the options and database files given now
 * in place of the recorded ones; it opens no socket, writes no pid file, and starts each database from the
 * recording's copy when its file does not exist.
 */
@Command(name = "sample-db-server", mixinStandardHelpOptions = true, versionProvider = SampleDbServer.Version.class,
        sortOptions = false, subcommands = CreateCommand.class,
        description = {"Serves OVSDB database files (RFC 7047) to clients such as ovsdb-client, ovs-vsctl and"
                + " sample-client.", "",
                "Remotes: ptcp:PORT[:IP], pssl:PORT[:IP] and punix:PATH listen; tcp:IP[:PORT], ssl:IP[:PORT] and"
                        + " unix:PATH connect out and reconnect when the connection drops."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:stopped by the exit control command; a replay also ends with 0 where a killed or"
                + " signalled recording ends", "1:start-up failed",
                "2:bad command line", "3:replay reached the end of a complete recording",
                "4:replay diverged from the recording",
                "5:writing the recording failed, with --replay-record-on-error=exit",
                "70:stopped by an internal error (out of memory, a bug); a recording says 'crashed'",
                "130:stopped by SIGINT (Ctrl-C)", "143:stopped by SIGTERM"})
public final class SampleDbServer implements Callable<Integer> {

    /** The program name, recorded in and checked against replay manifests. */
    public static final String PROGRAM = "sample-db-server";
    /** The version, shown by {@code --version} and the {@code version} control command. */
    public static final String VERSION = "0.1.0";
    /** The remote used when none is given. */
    public static final String DEFAULT_REMOTE = "punix:db.sock";
    /** The control socket used when none is given. */
    public static final String DEFAULT_CONTROL = PROGRAM + ".ctl";
    /** The exit status after an internal error, such as running out of memory: {@value} (EX_SOFTWARE). */
    public static final int CRASH_STATUS = 70;

    private static final Logger log = LoggerFactory.getLogger(SampleDbServer.class);
    /** A client's inactivity probe, live, as ovsdb-server's: 5 s. */
    static final long PROBE_INTERVAL_MILLIS = 5000;

    /** Picocli's version text. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {PROGRAM + " (streamreplay) " + VERSION};
        }
    }

    // Neutral: a replay checks each file's content against the recording's (ReplayContext.startingFile).
    @ReplayNeutral
    @Parameters(paramLabel = "DB-FILE", arity = "0..*", description = "Database files to serve (created with"
            + " 'sample-db-server create' or 'ovsdb-tool create').")
    private List<Path> databaseFiles = new ArrayList<>();

    @Option(names = "--remote", paramLabel = "NAME", description = "Listen on or connect to NAME; repeatable"
            + " (default: " + DEFAULT_REMOTE + ").")
    private List<String> remotes = new ArrayList<>();

    @Option(names = "--inactivity-probe", paramLabel = "MS", description = "Probe a client (passive and active"
            + " remotes, not Unix sockets) after MS milliseconds of silence and drop it if it stays silent as long"
            + " again, as ovsdb-server does; 0 turns probes off. Default: " + PROBE_INTERVAL_MILLIS + " live, off while"
            + " recording or replaying unless given (then recorded and replayed exactly).")
    private Long inactivityProbeMillis;

    @Option(names = "--sync-from", paramLabel = "SERVER", description = "Start as a backup of the active server"
            + " SERVER (tcp:IP:PORT, ssl:IP:PORT or unix:PATH): replicate its databases into ours, refuse clients'"
            + " writes, reconnect with backoff; as ovsdb-server --sync-from.")
    private String syncFrom;

    @Option(names = "--sync-exclude-tables", paramLabel = "DB:TABLE[,DB:TABLE]...", description = "Leave these"
            + " tables out of replication.")
    private String syncExcludeTables;

    @Option(names = "--active", description = "Start active even though --sync-from is given (it then names the"
            + " server that ovsdb-server/connect-active-ovsdb-server connects to).")
    private boolean active;

    @Option(names = {"--control", "--unixctl"}, paramLabel = "PATH", defaultValue = DEFAULT_CONTROL,
            description = "The control socket (default: ${DEFAULT-VALUE} in the working directory).")
    private Path control;

    @ReplayNeutral
    @Option(names = "--log-file", paramLabel = "PATH", description = "Also log to PATH (appending); its directory"
            + " must exist.")
    private Path logFile;

    @ReplayNeutral
    @Option(names = "--log-level", paramLabel = "[LOGGER=]LEVEL", description = "Set the level of LOGGER (a class"
            + " or package name; all loggers if left out) to TRACE, DEBUG, INFO, WARN, ERROR or OFF; repeatable."
            + " At DEBUG, io.streamreplay.replay logs every replayed event with its sequence number.")
    private List<String> logLevels = new ArrayList<>();

    @ReplayNeutral
    @Option(names = "--pidfile", paramLabel = "PATH", description = "Write the process id to PATH, locked while"
            + " the server runs, removed when it exits (also on SIGTERM and Ctrl-C); its directory must exist. A"
            + " replay writes none.")
    private Path pidFile;

    // Not recorded, and not taken from the recording by a replay (which opens no socket unless told to here).
    @ReplayNeutral
    @Option(names = "--http", paramLabel = "[IP:]PORT", description = "Serve /metrics (Prometheus), /stats (JSON)"
            + " and /health on PORT, on IP (default the loopback address): transactions, connections, monitors,"
            + " the recording's state, a replay's progress. A replay serves it only if given --http itself.")
    private String http;

    @Mixin
    private TlsOptions tlsOptions;

    @Mixin
    private ReplayOptions replayOptions;

    private String[] commandLine = new String[0];
    /** Whether {@link #commandLine} is the one to run: as given, or for a replay merged with the recorded one. */
    private boolean resolved;
    /** In a replay, the log levels the recorded run was given, which the replay reports as its own; else null. */
    private List<String> recordedLogLevels;

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    /** The program's command line for {@code args}, ready to execute. */
    static CommandLine commandLine(String[] args) {
        SampleDbServer command = new SampleDbServer();
        command.commandLine = args.clone();
        return UsageErrors.oneLine(new CommandLine(command));
    }

    @Override
    public Integer call() {
        if (replayOptions.mode() == ReplayMode.REPLAY && !resolved) {
            return replayRecordedCommandLine();
        }
        LogbackSetup logging = new LogbackSetup();
        if (replayOptions.mode() == ReplayMode.REPLAY) {
            logging.markReplayedLines();
        }
        String missing = missingDirectory("--log-file", logFile);
        if (missing == null) {
            missing = missingDirectory("--pidfile", replayOptions.mode() == ReplayMode.REPLAY ? null : pidFile);
        }
        if (missing != null) {
            log.error("{}", missing);
            return 1;
        }
        if (logFile != null) {
            logging.addFile(logFile);
        }
        try {
            logging.applyLevels(logLevels, recordedLogLevels);
        } catch (IllegalArgumentException e) {
            log.error("{}", e.getMessage());
            return 2;
        }
        if (databaseFiles.isEmpty()) {
            log.error("no database file given (use 'sample-db-server create DB-FILE SCHEMA-FILE' to make one)");
            return 2;
        }
        TlsConfig tls;
        try {
            tls = tlsOptions.config(replayOptions.mode() == ReplayMode.REPLAY);
        } catch (IllegalArgumentException e) {
            log.error("{}", e.getMessage());
            return 2;
        }
        if (http != null) {
            try {
                StatusEndpoint.parseAddress(http);
            } catch (IllegalArgumentException e) {
                log.error("--http={}", e.getMessage());
                return 2;
            }
        }
        TransportRegistry transports = TransportRegistry.standard(tls);
        for (String remote : remotes) {
            try {
                transports.check(remote);
            } catch (InvalidStreamNameException e) {
                log.error("--remote={}", e.getMessage());
                return 2;
            }
        }
        if (syncFrom != null) {
            try {
                transports.check(syncFrom);
            } catch (InvalidStreamNameException e) {
                log.error("--sync-from={}", e.getMessage());
                return 2;
            }
            if (syncFrom.startsWith("p")) {
                log.error("--sync-from={}: the active server must be a name to connect to (tcp:, ssl:, unix:), not"
                        + " to listen on", syncFrom);
                return 2;
            }
        }
        if (replayOptions.mode() != ReplayMode.REPLAY) {
            // A replay reads no TLS file; a live server refuses bad ones now rather than at the first client.
            try {
                tls.check();
            } catch (IOException e) {
                log.error("{}", e.getMessage());
                return 1;
            }
        }
        try {
            return run(logging, transports);
        } finally {
            logging.stop();
        }
    }

    /**
     * Runs, in place of this command line (which holds {@code --replay}), the recorded one with the options and
     * database files given now in place of the recorded ones.
     */
    private int replayRecordedCommandLine() {
        SampleDbServer recorded = new SampleDbServer();
        CommandLine parser = new CommandLine(recorded);
        try {
            List<String> toRun = replayOptions.commandLineToRun(List.of(commandLine));
            recorded.commandLine = toRun.toArray(new String[0]);
            recorded.resolved = true;
            parser.parseArgs(recorded.commandLine);
            // The recorded run's --http is not the replay's: a replay opens no socket unless given --http now.
            recorded.http = http;
            SampleDbServer original = new SampleDbServer();
            new CommandLine(original).parseArgs(replayOptions.recordedCommandLine().toArray(new String[0]));
            recorded.recordedLogLevels = original.logLevels;
        } catch (IOException e) {
            log.error("{}", e.getMessage());
            return 1;
        }
        return recorded.call();
    }

    /** Why {@code file}'s directory makes it unusable (it does not exist), or null. */
    private static String missingDirectory(String option, Path file) {
        if (file == null) {
            return null;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            return option + "=" + file + ": directory " + parent + " does not exist";
        }
        return null;
    }

    private int run(LogLevels logLevels, TransportRegistry transports) {
        ServerRun.Settings settings = new ServerRun.Settings(databaseFiles, remotes, inactivityProbeMillis, syncFrom,
                syncExcludeTables, active, control, pidFile, http);
        return new ServerRun(settings, replayOptions, List.of(commandLine)).run(logLevels, transports);
    }
}
