package io.streamreplay.tool;

import io.streamreplay.replay.CorruptRecordingException;
import io.streamreplay.replay.Manifest;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import io.streamreplay.replay.RecordingRepair;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code replay-tool verify}: checks a whole recording and names every problem. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Reads every record of every file and checks: each file's header and every record's"
                + " checksums, that the sequence numbers across all files run from 0 without a gap or a repeat, that"
                + " no file is cut short, and that the manifest is well-formed, of a supported version, says the"
                + " recording was closed (complete, or stopped by a signal) and counts the events the files hold.",
                "Prints every problem, one per line, naming the file, the byte offset and the sequence number.",
                "A recording truncated at a bound (--replay-record-max-size, --replay-record-max-events) is intact:"
                        + " it says so, with the bound.",
                "With --repair=OUT, copies the intact prefix of a damaged or cut recording into OUT and says what it"
                        + " cut; the recording itself is never changed."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the recording is complete (or truncated at a bound) and intact; with --repair, the copy"
                + " was made", "1:problems were found (all are listed); with --repair, no copy could be made",
                "2:bad command line"})
final class VerifyCommand extends RecordingCommand {

    /** Files of streams opened after the cut named one by one; more are counted. */
    private static final int NAMED_LATER = 10;

    @Option(names = "--repair", paramLabel = "OUT",
            description = "Copy the events up to the first one the recording does not hold whole into the new"
                    + " directory OUT (which must not exist, or be empty), so that it replays cleanly to there.")
    Path repair;

    @Override
    int run(PrintWriter out) throws IOException {
        if (repair != null) {
            return repair(out);
        }
        try (RecordingReader reader = open()) {
            long events = 0;
            RecordedEvent event;
            while ((event = reader.next()) != null) {
                events++;
            }
            Manifest manifest = reader.manifest();
            if (reader.problems().isEmpty() && manifest.truncated()) {
                out.printf("%s: intact, truncated by %s after event #%d: %d events in %d files%n", dir,
                        manifest.truncatedBy(), events - 1, events, reader.files().size());
                return 0;
            }
            if (reader.problems().isEmpty()) {
                out.printf("%s: complete and intact: %d events in %d files%n", dir, events, reader.files().size());
                return 0;
            }
            for (String problem : reader.problems()) {
                out.println("problem: " + problem);
            }
            out.printf("%s: %d problems; %d events readable in %d files%n", dir, reader.problems().size(), events,
                    reader.files().size());
            return ReplayTool.PROBLEMS;
        }
    }

    private int repair(PrintWriter out) throws IOException {
        RecordingRepair.Result result;
        try {
            result = RecordingRepair.repair(dir, repair);
        } catch (CorruptRecordingException e) {
            throw e;
        } catch (IOException e) {
            spec.commandLine().getErr().println("replay-tool: cannot repair " + dir + ": " + e.getMessage());
            return ReplayTool.PROBLEMS;
        }
        if (!result.copied()) {
            out.printf("%s: intact (%d events): nothing to cut; %s was not written%n", dir, result.events(), repair);
            return 0;
        }
        out.printf("%d problems found (replay-tool verify %s lists them)%n", result.problems().size(), dir);
        int later = 0;
        for (RecordingRepair.Cut cut : result.cuts()) {
            if (cut.offset() > 0) {
                out.printf("cut: %s at offset %d, %s%n", cut.file(), cut.offset(), cut.firstDropped() >= 0
                        ? "from event #" + cut.firstDropped() : "where it is damaged or ends");
            } else if (cut.why() != null) {
                out.printf("left out: %s (%s)%n", cut.file(), cut.why());
            } else {
                if (later < NAMED_LATER) {
                    out.printf("left out: %s, opened after the cut%s%n", cut.file(), cut.firstDropped() >= 0
                            ? " (its first event #" + cut.firstDropped() + ")" : "");
                }
                later++;
            }
        }
        if (later > NAMED_LATER) {
            out.printf("left out: %d more files of streams opened after the cut%n", later - NAMED_LATER);
        }
        out.printf("%s: kept events #0 to #%d (%d events) in %d files, copied to %s; cut at event #%d: %s%n", dir,
                result.events() - 1, result.events(), result.files(), repair, result.events(), result.reason());
        return 0;
    }
}
