package io.streamreplay.replay;

import io.streamreplay.fault.FaultSpec;
import io.streamreplay.fault.FaultSpecException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --replay-record[=DIR]} and {@code --replay[=DIR]} options, defined once for every application:
 * mix it into a Picocli command with {@code @Mixin ReplayOptions replay;} and call {@link #open}.
 *
 * <p>Without a DIR both use {@value #DEFAULT_DIR} in the working directory. The two options exclude each other.
 */
public final class ReplayOptions {

    private static final Logger log = LoggerFactory.getLogger(ReplayOptions.class);

    /** The directory used when the option is given without one. */
    public static final String DEFAULT_DIR = "replay-data";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--replay-record", arity = "0..1", fallbackValue = DEFAULT_DIR, paramLabel = "DIR",
            description = "Record every input of this process's streams into DIR (default: ${FALLBACK-VALUE}),"
                    + " to replay the run later with --replay.")
    private Path recordDir;

    @Option(names = "--replay", arity = "0..1", fallbackValue = DEFAULT_DIR, paramLabel = "DIR",
            description = "Re-run this process from the recording in DIR (default: ${FALLBACK-VALUE}) instead of"
                    + " real sockets; it ends by itself when the recording is used up.")
    private Path replayDir;

    @Option(names = "--replay-record-on-error", paramLabel = "continue|exit", converter = PolicyConverter.class,
            description = "With --replay-record: when writing the recording fails (disk full, I/O error), log it, mark"
                    + " the recording failed and either go on unrecorded (continue, the default) or stop the process"
                    + " (exit, status 5).")
    private RecordingFailurePolicy onError;

    /** Reads {@code continue} or {@code exit}. */
    static final class PolicyConverter implements ITypeConverter<RecordingFailurePolicy> {
        @Override
        public RecordingFailurePolicy convert(String value) {
            return switch (value) {
                case "continue" -> RecordingFailurePolicy.CONTINUE;
                case "exit" -> RecordingFailurePolicy.EXIT;
                default -> throw new TypeConversionException("'" + value + "' is neither continue nor exit");
            };
        }
    }

    @Option(names = RecordingBounds.MAX_SIZE_OPTION, paramLabel = "SIZE",
            description = "With --replay-record: stop recording, cleanly and between two events, before its replay"
                    + " files pass SIZE bytes (such as 512M or 2G; K, M, G, T are powers of 1024); the process goes on"
                    + " unrecorded, and the recording replays up to that point.")
    private String maxSize;

    @Option(names = RecordingBounds.MAX_EVENTS_OPTION, paramLabel = "N",
            description = "With --replay-record: stop recording, cleanly, after N events; the process goes on"
                    + " unrecorded.")
    private Long maxEvents;

    @Option(names = RecordingCompression.OPTION, paramLabel = "zstd|none",
            description = "With --replay-record: compress the recording's blocks with Zstandard (zstd), or store them"
                    + " as they are (none, the default). A block that compression does not make smaller is stored"
                    + " as it is.")
    private String compress;

    @Option(names = "--replay-stop-at", paramLabel = "SEQ|TIME",
            description = "With --replay: deliver the events up to event SEQ (as replay-tool dump numbers them), or"
                    + " up to a time offset into the recording such as 12.5s or 800ms, then stay idle, logging where"
                    + " it stopped, until stopped with Ctrl-C or kill, so that a debugger can inspect the process.")
    private String stopAt;

    @Option(names = "--replay-pace", paramLabel = "max|real|FACTOR",
            description = "With --replay: deliver events as fast as the process computes (max, the default), at the"
                    + " recorded pace (real), or FACTOR times faster (2x, 0.5x). Pacing only sleeps between loop"
                    + " iterations; the process sees recorded time either way.")
    private String pace;

    @Option(names = "--replay-max-gap", paramLabel = "DURATION",
            description = "With --replay-pace: sleep at most DURATION (such as 2s or 500ms of recorded time) for an"
                    + " idle gap of the recording.")
    private String maxGap;

    @Option(names = "--stream-faults", paramLabel = "SPEC",
            description = "Inject faults into this process's streams, below the recording: a comma-separated list of"
                    + " [WHERE:]PERCENT:BEHAVIOUR[(PARAM=VALUE;...)] rules, BEHAVIOUR one of delay, slice, reset,"
                    + " hang, blackout, error, corrupt, bandwidth, limit-data (docs/faults.md). A recording of the"
                    + " run holds the faults' results; its replay injects nothing.")
    private String streamFaults;

    @Option(names = "--stream-faults-seed", paramLabel = "N",
            description = "The seed of every fault decision (default: random, logged and stored in the recording's"
                    + " manifest); the same seed and input give the same faults.")
    private Long streamFaultsSeed;

    /**
     * These options, each taken from {@code outer} where it was not given here: for a program with subcommands
     * that mixes these options into its top command as well as into each subcommand, so that they may come before
     * the command name or after it.
     */
    public ReplayOptions orElse(ReplayOptions outer) {
        ReplayOptions combined = new ReplayOptions();
        combined.spec = spec;
        combined.recordDir = recordDir != null ? recordDir : outer.recordDir;
        combined.replayDir = replayDir != null ? replayDir : outer.replayDir;
        combined.onError = onError != null ? onError : outer.onError;
        combined.stopAt = stopAt != null ? stopAt : outer.stopAt;
        combined.pace = pace != null ? pace : outer.pace;
        combined.maxGap = maxGap != null ? maxGap : outer.maxGap;
        combined.maxSize = maxSize != null ? maxSize : outer.maxSize;
        combined.maxEvents = maxEvents != null ? maxEvents : outer.maxEvents;
        combined.compress = compress != null ? compress : outer.compress;
        combined.streamFaults = streamFaults != null ? streamFaults : outer.streamFaults;
        combined.streamFaultsSeed = streamFaultsSeed != null ? streamFaultsSeed : outer.streamFaultsSeed;
        return combined;
    }

    /** The mode the options select. */
    public ReplayMode mode() {
        return replayDir != null ? ReplayMode.REPLAY : recordDir != null ? ReplayMode.RECORD : ReplayMode.NONE;
    }

    /**
     * The command line to run: with {@code --replay}, the recorded one (from the recording's manifest) with the
     * positional parameters given now, if any, in place of the recorded ones, and every option given now in place
     * of its recorded value; so {@code --replay=DIR} alone runs the recorded command line, and
     * {@code --replay=DIR --log-level=debug} runs it with another log level. Otherwise {@code given} itself.
     *
     * @param given the command line as given, for a program whose top command mixes these options in
     * @throws IOException naming the file if the recording's manifest cannot be read
     * @throws ParameterException if the recorded command line does not parse with this program (another version)
     */
    public List<String> commandLineToRun(List<String> given) throws IOException {
        if (replayDir == null) {
            return given;
        }
        if (recordDir != null) {
            throw new ParameterException(spec.commandLine(), "--replay-record and --replay cannot be used together");
        }
        List<String> recorded = Manifest.read(replayDir).arguments();
        try {
            return RecordedCommandLine.merge(this::parser, recorded, given);
        } catch (ParameterException e) {
            throw new ParameterException(spec.commandLine(), "the command line recorded in " + replayDir
                    .resolve(ReplayFormat.MANIFEST) + " does not parse with this version of " + spec.name() + ": "
                    + e.getMessage() + " (recorded: " + String.join(" ", recorded) + ")");
        }
    }

    /**
     * With {@code --replay}, the command line recorded in the recording's manifest, for an application that must
     * know what the recorded run was told; otherwise null.
     *
     * @throws IOException naming the file if the manifest cannot be read
     */
    public List<String> recordedCommandLine() throws IOException {
        return replayDir == null ? null : Manifest.read(replayDir).arguments();
    }

    private CommandLine parser() {
        return new CommandLine(spec.userObject().getClass());
    }

    /**
     * Opens the replay; warns if the command line differs from the recorded one in an option that may change what
     * the program does, comparing with the program's own option model (by value, options marked
     * {@link ReplayNeutral} left out), or as text if the recorded command line does not parse with it.
     */
    private ReplayContext replay(String program, List<String> arguments, ReplayStopPoint stop, ReplayPace pace)
            throws IOException {
        String difference = null;
        boolean compared = false;
        if (arguments != null) {
            try {
                difference = RecordedCommandLine.firstDifference(this::parser, Manifest.read(replayDir).arguments(),
                        arguments);
                compared = true;
            } catch (ParameterException | CorruptRecordingException e) {
                // Compared as text by the replay (or refused there, for a manifest it cannot read).
            }
        }
        ReplayContext context = ReplayContext.replay(replayDir, program, compared ? null : arguments, stop, pace);
        if (difference != null) {
            log.warn("{}: the command line differs from the recorded one {}; the replay diverges if that changes"
                    + " what the program does", replayDir, difference);
        }
        return context;
    }

    /**
     * Opens the context the options select.
     *
     * @param program the application's name, stored in the manifest and checked on replay
     * @param arguments the command line, for the manifest
     * @throws ParameterException if both options were given
     * @throws IOException if the directory cannot be recorded into or replayed from
     */
    public ReplayContext open(String program, List<String> arguments) throws IOException {
        if (recordDir != null && replayDir != null) {
            throw new ParameterException(spec.commandLine(), "--replay-record and --replay cannot be used together");
        }
        ReplayStopPoint stop = null;
        if (stopAt != null) {
            if (replayDir == null) {
                throw new ParameterException(spec.commandLine(), "--replay-stop-at needs --replay");
            }
            try {
                stop = ReplayStopPoint.parse(stopAt);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--replay-stop-at: " + e.getMessage());
            }
        }
        ReplayPace paced = pace();
        RecordingBounds bounds = bounds();
        RecordingCompression compression = compression();
        FaultSpec faults = faultSpec();
        ReplayContext context = switch (mode()) {
            case RECORD -> ReplayContext.record(recordDir, program, arguments,
                    onError != null ? onError : RecordingFailurePolicy.CONTINUE, bounds, compression);
            case REPLAY -> replay(program, arguments, stop, paced);
            default -> ReplayContext.live();
        };
        context.startStreamFaults(faults, streamFaultsSeed);
        return context;
    }

    /** The faults {@code --stream-faults} asks for, or null. */
    private FaultSpec faultSpec() {
        if (streamFaults == null) {
            return null;
        }
        try {
            return FaultSpec.parse(streamFaults);
        } catch (FaultSpecException e) {
            throw new ParameterException(spec.commandLine(), "--stream-faults: " + e.getMessage());
        }
    }

    /** The compression {@code --replay-record-compress} chooses. */
    private RecordingCompression compression() {
        if (compress == null) {
            return RecordingCompression.DEFAULT;
        }
        if (recordDir == null) {
            throw new ParameterException(spec.commandLine(), RecordingCompression.OPTION + " needs --replay-record");
        }
        RecordingCompression compression;
        try {
            compression = RecordingCompression.parse(compress);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), RecordingCompression.OPTION + ": " + e.getMessage());
        }
        String unavailable = compression == RecordingCompression.ZSTD ? ZstdNative.unavailable() : null;
        if (unavailable != null) {
            throw new ParameterException(spec.commandLine(), RecordingCompression.OPTION + "=" + compress.strip()
                    + ": " + unavailable + "; record with " + RecordingCompression.OPTION + "=none instead");
        }
        return compression;
    }

    /** The bounds {@code --replay-record-max-size} and {@code --replay-record-max-events} set. */
    private RecordingBounds bounds() {
        if ((maxSize != null || maxEvents != null) && recordDir == null) {
            throw new ParameterException(spec.commandLine(), (maxSize != null ? RecordingBounds.MAX_SIZE_OPTION
                    : RecordingBounds.MAX_EVENTS_OPTION) + " needs --replay-record");
        }
        RecordingBounds bounds = RecordingBounds.NONE;
        if (maxSize != null) {
            try {
                bounds = bounds.withMaxSize(RecordingBounds.parseSize(maxSize), maxSize.strip());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), RecordingBounds.MAX_SIZE_OPTION + ": "
                        + e.getMessage());
            }
        }
        if (maxEvents != null) {
            if (maxEvents < 0) {
                throw new ParameterException(spec.commandLine(), RecordingBounds.MAX_EVENTS_OPTION + ": "
                        + maxEvents + " is negative");
            }
            bounds = bounds.withMaxEvents(maxEvents);
        }
        return bounds;
    }

    /** The pace {@code --replay-pace} and {@code --replay-max-gap} ask for; {@link ReplayPace#MAX} by default. */
    private ReplayPace pace() {
        if ((pace != null || maxGap != null) && replayDir == null) {
            throw new ParameterException(spec.commandLine(), (pace != null ? "--replay-pace" : "--replay-max-gap")
                    + " needs --replay");
        }
        try {
            ReplayPace paced = pace == null ? ReplayPace.MAX : ReplayPace.parse(pace);
            if (maxGap != null) {
                if (!paced.paced()) {
                    throw new ParameterException(spec.commandLine(), "--replay-max-gap needs a --replay-pace other"
                            + " than max");
                }
                paced = paced.withMaxGap(ReplayStopPoint.parseDuration(maxGap));
            }
            return paced;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), (pace != null ? "--replay-pace" : "--replay-max-gap")
                    + ": " + e.getMessage());
        }
    }
}
