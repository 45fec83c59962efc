package io.streamreplay.tool;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * What one run of {@code replay-tool} printed and its exit status: the tool's command line run in this JVM, its
 * standard output and error captured.
 */
record ToolRun(int status, String out, String err) {

    /** Runs {@code replay-tool ARGS...}. */
    static ToolRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = ReplayTool.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int status = commandLine.execute(args);
        return new ToolRun(status, out.toString(), err.toString());
    }

    /** The lines of its standard output. */
    List<String> lines() {
        return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }
}
