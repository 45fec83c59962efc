package io.streamreplay.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamreplay.testing.UsageCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tool's command line as a user meets it: every help text, and usage errors in one line. */
class ReplayToolUsageTest {

    @Test
    void everyHelpTextRendersWithoutAWarning() {
        assertEquals(List.of("replay-tool", "replay-tool dump", "replay-tool stats", "replay-tool verify",
                "replay-tool timeline", "replay-tool help"),
                UsageCheck.everyHelpRendersWithoutWarning(
                        ReplayTool.commandLine()));
    }

    @Test
    void aUsageErrorIsOneLineThenWhereTheUsageOfThatCommandIs() {
        assertEquals("replay-tool: Missing required parameter: 'DIR'\nsee 'replay-tool dump --help'\n",
                UsageCheck.usageError(ReplayTool.commandLine(), "dump"));
        assertEquals("""
                replay-tool: Unknown option: '--strem=x' (did you mean --stream?)
                see 'replay-tool dump --help'
                """, UsageCheck.usageError(ReplayTool.commandLine(), "dump", "rec", "--strem=x"));
    }
}
