package io.streamreplay.tool;

import io.streamreplay.replay.RecordingReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code replay-tool timeline}: a self-contained HTML page charting the recording's events over time. */
@Command(name = "timeline", mixinStandardHelpOptions = true,
        description = {"Writes a self-contained HTML page (Chart.js inlined, no network needed) with charts of events"
                + " over time by listener and by peer, a chart of errors and closed connections, and tables of"
                + " listeners (each with its busiest connections), peers and errors, so that one can see at a glance"
                + " where the traffic and the errors were, even with thousands of connections.",
                "Events are named by the sequence numbers replay-tool dump shows and --replay-stop-at takes."})
final class TimelineCommand extends RecordingCommand {

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The HTML file to write.")
    Path output;

    @Option(names = "--series", paramLabel = "N", defaultValue = "12",
            description = "Chart the N busiest listeners, and peers, separately; the others are summed (default:"
                    + " ${DEFAULT-VALUE}).")
    int series;

    @Override
    int run(PrintWriter out) throws IOException {
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            spec.commandLine().getErr().println("replay-tool: cannot write " + output + ": directory " + parent
                    + " does not exist");
            return ReplayTool.PROBLEMS;
        }
        RecordingStats stats;
        try (RecordingReader reader = open()) {
            stats = RecordingStats.of(reader);
        }
        TimelinePage page;
        try (RecordingReader reader = open()) {
            page = new TimelinePage(stats, reader.files(), series);
            page.count(reader);
            try {
                page.write(output, reader.manifest());
            } catch (IOException e) {
                spec.commandLine().getErr().println("replay-tool: cannot write " + output + ": "
                        + (e instanceof AccessDeniedException ? "permission denied" : e.getMessage()));
                return ReplayTool.PROBLEMS;
            }
        }
        out.printf("%s: %d events of %d streams in %d buckets of %s%n", output, stats.total().events,
                stats.streams().size(), page.buckets(), page.bucketLabel());
        return 0;
    }
}
