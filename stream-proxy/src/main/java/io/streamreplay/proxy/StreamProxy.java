package io.streamreplay.proxy;

import io.streamreplay.cli.UsageErrors;
import io.streamreplay.control.LogLevels;
import io.streamreplay.replay.ReplayMode;
import io.streamreplay.replay.ReplayNeutral;
import io.streamreplay.replay.ReplayOptions;
import io.streamreplay.replay.TlsOptions;
import io.streamreplay.status.StatusEndpoint;
import io.streamreplay.stream.InvalidStreamNameException;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code stream-proxy} program: forwards every connection accepted on its listeners to a new connection to one
 * upstream server, both ways, and counts what passes. Built on the library, it records and replays like any of its
 * applications: its recording holds both sides of every connection, in full and in one order.
 *
 * <p>Exit status: 0 after {@code exit} on the control socket (or the replay of one), 1 for a start-up problem, 2
 * for bad usage, 3 when a replay runs out of recording, 4 when a replay diverges, 5 when writing the recording
 * failed under {@code --replay-record-on-error=exit}, 128 + N when stopped by signal N.
 */
@Command(name = "stream-proxy", mixinStandardHelpOptions = true, versionProvider = StreamProxy.Version.class,
        sortOptions = false,
        description = {"Forwards each connection accepted on the --listen addresses to a new connection to the"
                + " --upstream server, both ways, with backpressure; records it with --replay-record, replays it"
                + " with --replay, and counts it (the control command 'stats', SIGUSR2, --http).", "",
                "Listeners: ptcp:PORT[:IP], pssl:PORT[:IP] (TLS is terminated here), punix:PATH. Upstream:"
                        + " tcp:IP[:PORT], ssl:IP[:PORT] (TLS is originated here), unix:PATH."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:stopped by the exit control command; a replay also ends with 0 where a killed or"
                + " signalled recording ends", "1:start-up failed", "2:bad command line",
                "3:replay reached the end of a complete recording", "4:replay diverged from the recording",
                "5:writing the recording failed, with --replay-record-on-error=exit",
                "130:stopped by SIGINT (Ctrl-C)", "143:stopped by SIGTERM"})
public final class StreamProxy implements Callable<Integer> {

    /** The program name, recorded in and checked against replay manifests. */
    public static final String PROGRAM = "stream-proxy";
    /** The version, shown by {@code --version} and the {@code version} control command. */
    public static final String VERSION = "0.1.0";

    private static final Logger log = LoggerFactory.getLogger(StreamProxy.class);

    /** Picocli's version text. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {PROGRAM + " (streamreplay) " + VERSION};
        }
    }

    @Option(names = "--listen", paramLabel = "PASSIVE", description = "Accept clients on PASSIVE"
            + " (ptcp:, pssl:, punix:); repeatable.")
    private List<String> listens = new ArrayList<>();

    @Option(names = "--upstream", paramLabel = "ACTIVE", description = "The server each client is"
            + " forwarded to (tcp:, ssl:, unix:); each client gets its own connection to it.")
    private String upstream;

    @Option(names = "--protocol", paramLabel = "raw|jsonrpc|lines", defaultValue = "raw",
            converter = ProtocolConverter.class, description = "What to count besides bytes: jsonrpc (requests,"
                    + " replies, notifications, errors, request-to-reply latency) or lines (lines by their first"
                    + " word); default ${DEFAULT-VALUE}.")
    private Protocol protocol;

    @Option(names = "--buffer-size", paramLabel = "BYTES", defaultValue = "65536", description = "Bytes held at most"
            + " per connection and direction (default ${DEFAULT-VALUE}): a reader slower than its writer slows the"
            + " writer once they are held.")
    private int bufferBytes;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1024", description = "Connections open"
            + " at once at most (default ${DEFAULT-VALUE}); further clients wait to be accepted. With"
            + " --buffer-size, this bounds the proxy's buffers to 2 x BYTES x N.")
    private int maxConnections;

    @Option(names = {"--control", "--unixctl"}, paramLabel = "PATH", defaultValue = PROGRAM + ".ctl",
            description = "The control socket (default: ${DEFAULT-VALUE} in the working directory).")
    private Path control;

    // Not recorded and never read by the loop: it cannot change what the proxy does. A replay does not take it
    // from the recording (it opens no socket unless given --http itself).
    @ReplayNeutral
    @Option(names = "--http", paramLabel = "[IP:]PORT", description = "Serve /metrics (Prometheus), /stats (JSON)"
            + " and /health (200 while the upstream accepts connections, else 503) on PORT, on IP (default the"
            + " loopback address). A replay serves it only if given --http itself.")
    private String http;

    // Neutral: a replay restores the recorded run's counters from the recording's copy of the file.
    @ReplayNeutral
    @Option(names = "--stats-file", paramLabel = "PATH", description = "Restore the counters from PATH at start"
            + " and save them there every --stats-interval and at exit, so that a crash loses at most one interval."
            + " A replay restores the recorded run's and saves nothing.")
    private Path statsFile;

    @ReplayNeutral
    @Option(names = "--stats-interval", paramLabel = "SECONDS", defaultValue = "10", description = "How often"
            + " --stats-file is saved (default ${DEFAULT-VALUE}).")
    private int statsIntervalSeconds;

    @ReplayNeutral
    @Option(names = "--log-file", paramLabel = "PATH", description = "Also log to PATH (appending).")
    private Path logFile;

    @ReplayNeutral
    @Option(names = "--log-level", paramLabel = "[LOGGER=]LEVEL", description = "Set the level of LOGGER (all"
            + " loggers if left out) to TRACE, DEBUG, INFO, WARN, ERROR or OFF; repeatable.")
    private List<String> logLevels = new ArrayList<>();

    @Mixin
    private TlsOptions tlsOptions;

    @Mixin
    private ReplayOptions replayOptions;

    private String[] commandLine = new String[0];
    /** Whether {@link #commandLine} is the one to run: as given, or for a replay merged with the recorded one. */
    private boolean resolved;

    /** Reads {@code raw}, {@code jsonrpc} or {@code lines}. */
    static final class ProtocolConverter implements CommandLine.ITypeConverter<Protocol> {
        @Override
        public Protocol convert(String value) {
            try {
                return Protocol.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not raw, jsonrpc or lines");
            }
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    /** The program's command line for {@code args}, ready to execute. */
    static CommandLine commandLine(String[] args) {
        StreamProxy command = new StreamProxy();
        command.commandLine = args.clone();
        return UsageErrors.oneLine(new CommandLine(command));
    }

    @Override
    public Integer call() {
        if (replayOptions.mode() == ReplayMode.REPLAY && !resolved) {
            return replayRecordedCommandLine();
        }
        ProxyLogging logging = new ProxyLogging();
        try {
            if (logFile != null) {
                logging.addFile(logFile);
            }
            for (String setting : logLevels) {
                int equals = setting.indexOf('=');
                logging.set(equals < 0 ? Logger.ROOT_LOGGER_NAME : setting.substring(0, equals),
                        setting.substring(equals + 1));
            }
            String usage = usageProblem();
            if (usage != null) {
                return usageError(usage);
            }
            TlsConfig tls = tlsOptions.config(replayOptions.mode() == ReplayMode.REPLAY);
            TransportRegistry transports = TransportRegistry.standard(tls);
            for (String name : listens) {
                transports.check(name);
            }
            transports.check(upstream);
            InetSocketAddress httpAddress = http == null ? null : StatusEndpoint.parseAddress(http);
            if (replayOptions.mode() != ReplayMode.REPLAY) {
                tls.check();
            }
            return run(logging, transports, httpAddress);
        } catch (IllegalArgumentException | InvalidStreamNameException e) {
            return usageError(e.getMessage());
        } catch (IOException e) {
            log.error("{}", e.getMessage());
            return 1;
        } finally {
            logging.stop();
        }
    }

    /** What is wrong with the options that Picocli cannot check, or null. */
    private String usageProblem() {
        if (listens.isEmpty() || upstream == null) {
            return "give at least one --listen=PASSIVE and the --upstream=ACTIVE";
        }
        for (String name : listens) {
            if (!name.startsWith("p")) {
                return "--listen=" + name + ": not a listener (ptcp:, pssl:, punix:)";
            }
        }
        if (upstream.startsWith("p")) {
            return "--upstream=" + upstream + ": a listener; the upstream is connected to (tcp:, ssl:, unix:)";
        }
        if (bufferBytes < 1) {
            return "--buffer-size=" + bufferBytes + ": must be at least 1";
        }
        if (maxConnections < 1) {
            return "--max-connections=" + maxConnections + ": must be at least 1";
        }
        if (statsIntervalSeconds < 1) {
            return "--stats-interval=" + statsIntervalSeconds + ": must be at least 1";
        }
        return null;
    }

    /** Reports a usage problem found after parsing as Picocli reports its own: one line, status 2. */
    private static int usageError(String message) {
        System.err.println(PROGRAM + ": " + message);
        System.err.println("see '" + PROGRAM + " --help'");
        return UsageErrors.STATUS;
    }

    /** Runs, in place of this command line (which holds {@code --replay}), the recorded one with today's options. */
    private int replayRecordedCommandLine() {
        StreamProxy recorded = new StreamProxy();
        try {
            List<String> toRun = replayOptions.commandLineToRun(List.of(commandLine));
            recorded.commandLine = toRun.toArray(new String[0]);
            recorded.resolved = true;
            new CommandLine(recorded).parseArgs(recorded.commandLine);
            // The recorded run's --http is not the replay's: a replay opens no socket unless given --http now.
            recorded.http = http;
        } catch (IOException e) {
            log.error("{}", e.getMessage());
            return 1;
        } catch (CommandLine.ParameterException e) {
            return usageError(e.getMessage());
        }
        return recorded.call();
    }

    /**
     * The streams the proxy's live side opens, under recording (a replay never calls it). Fault injection belongs
     * here, between the transports and the recording, so that a recording holds the faulted results and its replay
     * needs no fault option: wrap {@code transports} in the fault layer and return it.
     */
    static StreamProvider liveStreams(TransportRegistry transports) {
        return transports;
    }

    private int run(LogLevels logLevels, TransportRegistry transports, InetSocketAddress httpAddress) {
        ProxyRun.Settings settings = new ProxyRun.Settings(listens, upstream, protocol, bufferBytes, maxConnections,
                control, statsFile, statsIntervalSeconds);
        return new ProxyRun(settings, replayOptions, List.of(commandLine)).run(logLevels, transports, httpAddress);
    }
}
