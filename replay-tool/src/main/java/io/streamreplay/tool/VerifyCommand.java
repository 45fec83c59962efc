package io.streamreplay.tool;

import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code replay-tool verify}: checks a whole recording and names every problem. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Reads every record of every file and checks: each file's header and every record's"
                + " checksums, that the sequence numbers across all files run from 0 without a gap or a repeat, that"
                + " no file is cut short, and that the manifest is well-formed, of a supported version, says the"
                + " recording was closed (complete, or stopped by a signal) and counts the events the files hold.",
                "Prints every problem, one per line, naming the file, the byte offset and the sequence number."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the recording is complete and intact", "1:problems were found (all are listed)",
                "2:bad command line"})
final class VerifyCommand extends RecordingCommand {

    @Override
    int run(PrintWriter out) throws IOException {
        try (RecordingReader reader = open()) {
            long events = 0;
            RecordedEvent event;
            while ((event = reader.next()) != null) {
                events++;
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
}
