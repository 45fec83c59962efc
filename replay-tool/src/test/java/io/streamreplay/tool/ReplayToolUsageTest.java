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
                "replay-tool timeline", "replay-tool drive", "replay-tool help"),
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
        assertEquals("replay-tool: Invalid value for option '--pace': '3y' is not a pace: give real, max or a factor"
                + " such as 2x or 0.5x\nsee 'replay-tool drive --help'\n",
                UsageCheck.usageError(ReplayTool.commandLine(), "drive", "rec", "--target=unix:x", "--pace=3y"));
    }
}
