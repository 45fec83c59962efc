package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamreplay.testing.UsageCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's command line as a user meets it: its help texts, and a usage error in one line. */
class SampleDbServerUsageTest {

    @Test
    void everyHelpTextRendersWithoutAWarning() {
        assertEquals(List.of("sample-db-server", "sample-db-server create"),
                UsageCheck.everyHelpRendersWithoutWarning(SampleDbServer.commandLine(new String[0])));
    }

    @Test
    void aMisspeltOptionIsOneLineWithASuggestionThenWhereTheUsageIs() {
        assertEquals("""
                sample-db-server: Unknown option: '--remot=ptcp:0' (did you mean --remote?)
                see 'sample-db-server --help'
                """, UsageCheck.usageError(SampleDbServer.commandLine(new String[0]), "kv.db", "--remot=ptcp:0"));
    }

    @Test
    void aMissingParameterOfASubcommandPointsAtThatSubcommandsHelp() {
        assertEquals("""
                sample-db-server: Missing required parameter: 'SCHEMA-FILE'
                see 'sample-db-server create --help'
                """, UsageCheck.usageError(SampleDbServer.commandLine(new String[0]), "create", "kv.db"));
    }

    @Test
    void recordingAndReplayingAtOnceIsAUsageErrorBeforeAnythingIsRead() {
        assertEquals("""
                sample-db-server: --replay-record and --replay cannot be used together
                see 'sample-db-server --help'
                """, UsageCheck.usageError(SampleDbServer.commandLine(new String[0]), "kv.db",
                "--replay=no-such-recording", "--replay-record=elsewhere"));
    }
}
