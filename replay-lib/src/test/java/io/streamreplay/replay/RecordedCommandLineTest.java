package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The recorded command line read with the program's own model: a replay runs the recorded positional parameters
 * once each, whatever their number, and names a difference in them as given.
 */
class RecordedCommandLineTest {

    /** A program with several positional parameters, such as a server given two database files. */
    @Command(name = "server")
    static final class Server {
        @Parameters(paramLabel = "DB")
        List<String> databases = new ArrayList<>();

        @Option(names = "--remote")
        List<String> remotes = new ArrayList<>();

        @Option(names = "--replay")
        String replay;
    }

    private static CommandLine parser() {
        return new CommandLine(new Server());
    }

    @Test
    void aReplayGivenOnlyItsDirectoryRunsEachRecordedPositionalParameterOnce() {
        List<String> recorded = List.of("a.db", "b.db", "c.db", "--remote=ptcp:0");
        assertEquals(List.of("a.db", "b.db", "c.db", "--remote=ptcp:0", "--replay=rec"),
                RecordedCommandLine.merge(RecordedCommandLineTest::parser, recorded, List.of("--replay=rec")));
        assertEquals(List.of("x.db", "--remote=ptcp:0"),
                RecordedCommandLine.merge(RecordedCommandLineTest::parser, recorded, List.of("x.db")));
    }

    @Test
    void aDifferenceInThePositionalParametersNamesThemOnce() {
        List<String> recorded = List.of("a.db", "b.db", "c.db");
        assertNull(RecordedCommandLine.firstDifference(RecordedCommandLineTest::parser, recorded, recorded));
        assertEquals("in its arguments: recorded 'a.db b.db c.db', now 'a.db b.db'", RecordedCommandLine
                .firstDifference(RecordedCommandLineTest::parser, recorded, List.of("a.db", "b.db")));
    }
}
