package io.streamreplay.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.process.Terminal;
import io.streamreplay.stream.InvalidStreamNameException;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.tool.drive.DriveException;
import io.streamreplay.tool.drive.DriveOptions;
import io.streamreplay.tool.drive.DriveReport;
import io.streamreplay.tool.drive.Driver;
import io.streamreplay.tool.drive.Pace;
import io.streamreplay.tool.drive.Plan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code replay-tool drive}: a recording's client traffic sent to a live server, paced, compared and timed. */
@Command(name = "drive", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sends the client traffic of a recording to a live server (--target): each recorded client"
                + " connection becomes a connection to the target, opened at its recorded time, sending its recorded"
                + " bytes in order and, what the recorded client sent after a reply, only once the live reply is in."
                + " Every reply is compared with the recorded one: in full for a stream-proxy recording (after"
                + " normalising UUIDs, volatile members and ids), by length and CRC-32C for a library server's."
                + " Prints the first divergence of each stream, counts, throughput, latency and the pace achieved.",
                "", "JSON-RPC (chosen when the recording holds it): echo requests of the target are answered; UUIDs"
                        + " the target makes are paired with the recorded ones as replies arrive, and later requests"
                        + " naming a recorded UUID are sent naming the target's."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no divergence (or the dry run was printed)", "1:divergences",
                "2:could not drive: bad command line, unreadable recording, nothing to drive, target unreachable"})
final class DriveCommand implements Callable<Integer> {

    /** Exit status when the drive cannot be done. */
    static final int CANNOT_DRIVE = 2;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The recording directory (of a server made with"
            + " --replay-record, or of stream-proxy).")
    Path dir;

    @Option(names = "--target", paramLabel = "ACTIVE", description = "The live server: tcp:IP[:PORT], ssl:IP[:PORT]"
            + " or unix:PATH. Needed but for --dry-run.")
    String target;

    @Option(names = "--pace", paramLabel = "real|FACTOR|max", defaultValue = "real", converter = PaceConverter.class,
            description = "How fast: real (as recorded, the default), a factor such as 2x or 0.5x, or max (no"
                    + " waiting but for replies).")
    Pace pace;

    @Option(names = "--rate", paramLabel = "N/s", converter = RateConverter.class, description = "Send requests at N"
            + " per second instead of at their recorded times.")
    double rate;

    @Option(names = "--max-gap", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Wait at most DURATION (such as 1s or 200ms) between two steps: idle spells are cut"
                    + " short.")
    Long maxGap;

    @Option(names = "--limit-requests", paramLabel = "N", description = "Stop after N requests (their replies are"
            + " still waited for).")
    Long limitRequests;

    @Option(names = "--limit-seconds", paramLabel = "S", description = "Stop sending after S seconds (replies to"
            + " what was sent are still waited for).")
    Double limitSeconds;

    @Option(names = "--streams", paramLabel = "GLOB", split = ",", description = "Only the recorded connections"
            + " whose name or listener's name matches GLOB (* ? [...]); repeatable. Default: all but those of a"
            + " control socket (*.ctl).")
    List<String> streams = new ArrayList<>();

    @Option(names = "--loop", paramLabel = "N", defaultValue = "1", description = "Drive the workload N times, one"
            + " after the other (default: ${DEFAULT-VALUE}).")
    int loops;

    @Option(names = "--dry-run", description = "Print what would be sent and how long it would take; send nothing.")
    boolean dryRun;

    @Option(names = "--protocol", paramLabel = "auto|jsonrpc|raw", defaultValue = "auto",
            converter = ProtocolConverter.class, description = "How the clients' bytes are read: jsonrpc, raw (the"
                    + " recorded chunks, in the recorded alternation with replies) or auto (jsonrpc when the"
                    + " recording holds JSON-RPC; the default).")
    DriveOptions.Protocol protocol;

    @Option(names = "--compare", paramLabel = "full|length|none", defaultValue = "full",
            converter = CompareConverter.class, description = "What of each reply is compared: full (content, or"
                    + " length and CRC-32C when the recording has no more; the default), length, or none.")
    DriveOptions.Compare compare;

    @Option(names = "--no-normalize", description = "Compare replies exactly: UUIDs, volatile members and ids"
            + " included.")
    boolean noNormalize;

    @Option(names = "--volatile", paramLabel = "NAME", split = ",", description = "A JSON member whose value is not"
            + " compared, at any depth; repeatable.")
    List<String> volatileFields = new ArrayList<>();

    @Option(names = "--reply-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class, description = "Give up on a connection whose reply takes longer"
                    + " (default: ${DEFAULT-VALUE}); it counts as a divergence.")
    long replyTimeout;

    @Option(names = "--order", paramLabel = "causal|connection", defaultValue = "causal",
            description = "causal (the default): a step also waits for every reply the recorded server had sent to"
                    + " any client before it; connection: only for its own connection's, so that clients go as fast"
                    + " as the target answers each (a client that acted on another's reply may then act too early).")
    String order;

    @Option(names = "--json", description = "Print the report (or the dry run) as JSON.")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bar, even on a terminal.")
    boolean noProgress;

    @Option(names = {"-p", "--private-key"}, paramLabel = "FILE", description = "TLS private key (PEM, PKCS#8), for"
            + " an ssl: target that asks for a client certificate.")
    Path privateKey;

    @Option(names = {"-c", "--certificate"}, paramLabel = "FILE", description = "TLS certificate (PEM).")
    Path certificate;

    @Option(names = "--keystore", paramLabel = "FILE", description = "TLS private key and certificate chain in one"
            + " PKCS12 file, instead of --private-key and --certificate.")
    Path keyStore;

    @Option(names = "--keystore-password-file", paramLabel = "FILE", description = "The --keystore's password: the"
            + " first line of FILE (default: none).")
    Path keyStorePasswordFile;

    @Option(names = {"-C", "--ca-cert"}, paramLabel = "FILE", description = "CA certificate (PEM) the target's"
            + " certificate must be signed by.")
    Path caCertificate;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            DriveOptions options = options();
            TransportRegistry transports = null;
            if (!dryRun) {
                TlsConfig tls = TlsConfig.fromOptions(privateKey, certificate, keyStore, keyStorePasswordFile,
                        caCertificate);
                tls.check();
                transports = TransportRegistry.standard(tls);
                transports.check(target);
            }
            Plan plan = Plan.read(options);
            if (dryRun) {
                if (json) {
                    out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(plan.json()));
                } else {
                    plan.print(out);
                }
                out.flush();
                return 0;
            }
            DriveReport report = new DriveReport();
            try (PollLoop loop = PollLoop.live(); ProgressBar bar = progressBar(plan.requests() * loops)) {
                new Driver(loop, transports, options, report, sent -> {
                    if (bar != null) {
                        bar.stepTo(sent);
                    }
                }).run(plan);
            }
            if (json) {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.json()));
            } else {
                report.print(out);
            }
            out.flush();
            return report.exitStatus();
        } catch (IllegalArgumentException | InvalidStreamNameException e) {
            return usage(err, e.getMessage());
        } catch (DriveException e) {
            out.flush();
            err.println("replay-tool: " + e.getMessage());
            return CANNOT_DRIVE;
        } catch (IOException e) {
            out.flush();
            err.println("replay-tool: " + e.getMessage());
            return CANNOT_DRIVE;
        }
    }

    private int usage(PrintWriter err, String message) {
        err.println("replay-tool: " + message);
        err.println("see 'replay-tool drive --help'");
        return CANNOT_DRIVE;
    }

    /** The options, checked together. */
    private DriveOptions options() {
        if (target == null && !dryRun) {
            throw new IllegalArgumentException("give the live server with --target=ACTIVE (tcp:, ssl:, unix:), or"
                    + " --dry-run");
        }
        if (target != null && target.startsWith("p")) {
            throw new IllegalArgumentException("--target=" + target + ": a listener; the target is connected to"
                    + " (tcp:, ssl:, unix:)");
        }
        if (loops < 1) {
            throw new IllegalArgumentException("--loop=" + loops + ": must be at least 1");
        }
        if (limitRequests != null && limitRequests < 1) {
            throw new IllegalArgumentException("--limit-requests=" + limitRequests + ": must be at least 1");
        }
        if (limitSeconds != null && !(limitSeconds > 0)) {
            throw new IllegalArgumentException("--limit-seconds=" + limitSeconds + ": must be more than 0");
        }
        if (rate > 0 && spec.commandLine().getParseResult().hasMatchedOption("--pace")) {
            throw new IllegalArgumentException("give --pace or --rate, not both");
        }
        if (!order.equals("causal") && !order.equals("connection")) {
            throw new IllegalArgumentException("--order=" + order + ": give causal or connection");
        }
        if (replyTimeout <= 0) {
            throw new IllegalArgumentException("--reply-timeout must be more than 0");
        }
        return new DriveOptions(dir, target, pace, rate, maxGap == null ? Long.MAX_VALUE : maxGap,
                limitRequests == null ? Long.MAX_VALUE : limitRequests,
                limitSeconds == null ? Long.MAX_VALUE : Math.round(limitSeconds * 1e9), streams, loops, protocol,
                compare, !noNormalize, Set.copyOf(volatileFields), replyTimeout, order.equals("causal"));
    }

    private ProgressBar progressBar(long total) {
        if (noProgress || json || !Terminal.isInteractive()) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName("drive").setInitialMax(total).setUnit(" req", 1)
                .setUpdateIntervalMillis(200).setConsumer(new ConsoleProgressBarConsumer(System.err)).showSpeed()
                .build();
    }

    /** Reads a pace. */
    static final class PaceConverter implements ITypeConverter<Pace> {
        @Override
        public Pace convert(String value) {
            try {
                return Pace.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Reads {@code 100/s}, or a bare {@code 100}. */
    static final class RateConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String number = value.endsWith("/s") ? value.substring(0, value.length() - 2) : value;
            try {
                double rate = Double.parseDouble(number);
                if (rate > 0 && !Double.isInfinite(rate)) {
                    return rate;
                }
            } catch (NumberFormatException e) {
                // Refused below.
            }
            throw new TypeConversionException("'" + value + "' is not a rate: give requests per second, such as"
                    + " 200/s");
        }
    }

    /** Reads a duration, {@code 10s}, {@code 250ms}, {@code 2m}, {@code 1.5} (seconds), as nanoseconds. */
    static final class DurationConverter implements ITypeConverter<Long> {
        private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(ns|us|ms|s|m|h)?");

        @Override
        public Long convert(String value) {
            Matcher matcher = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!matcher.matches()) {
                throw new TypeConversionException("'" + value + "' is not a duration: give one such as 10s, 250ms"
                        + " or 2m");
            }
            double number = Double.parseDouble(matcher.group(1));
            String unit = matcher.group(2) == null ? "s" : matcher.group(2);
            double nanos = number * switch (unit) {
                case "ns" -> 1;
                case "us" -> 1e3;
                case "ms" -> 1e6;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> 1e9;
            };
            return nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.round(nanos);
        }
    }

    /** Reads auto, jsonrpc or raw. */
    static final class ProtocolConverter implements ITypeConverter<DriveOptions.Protocol> {
        @Override
        public DriveOptions.Protocol convert(String value) {
            try {
                return DriveOptions.Protocol.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not auto, jsonrpc or raw");
            }
        }
    }

    /** Reads full, length or none. */
    static final class CompareConverter implements ITypeConverter<DriveOptions.Compare> {
        @Override
        public DriveOptions.Compare convert(String value) {
            try {
                return DriveOptions.Compare.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not full, length or none");
            }
        }
    }
}
