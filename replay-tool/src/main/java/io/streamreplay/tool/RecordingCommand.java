package io.streamreplay.tool;

import io.streamreplay.replay.CorruptRecordingException;
import io.streamreplay.replay.RecordingReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What every command of the tool shares: the recording directory argument, opening it, and turning a recording
 * that cannot be read at all into one line on standard error and exit status 1.
 */
abstract class RecordingCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The recording directory (made with --replay-record).")
    Path dir;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            int status = run(out);
            out.flush();
            return status;
        } catch (CorruptRecordingException e) {
            out.flush();
            spec.commandLine().getErr().println("replay-tool: " + e.getMessage());
            return ReplayTool.PROBLEMS;
        } catch (IOException e) {
            out.flush();
            spec.commandLine().getErr().println("replay-tool: cannot read " + dir + ": " + e.getMessage());
            return ReplayTool.PROBLEMS;
        }
    }

    /** Opens the recording afresh: a command that reads it twice calls this twice. */
    RecordingReader open() throws IOException {
        return RecordingReader.open(dir);
    }

    /** Does the command's work, printing to {@code out}; returns the exit status. */
    abstract int run(PrintWriter out) throws IOException;
}
