package io.streamreplay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.testing.UsageCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's command line as a user meets it: every help text, and usage errors in one line. */
class SampleClientUsageTest {

    @Test
    void everyHelpTextRendersWithoutAWarning() {
        List<String> checked = UsageCheck.everyHelpRendersWithoutWarning(SampleClient.commandLine());
        assertTrue(checked.contains("sample-client bench") && checked.size() >= 16, checked.toString());
    }

    @Test
    void aUsageErrorIsOneLineThenWhereTheUsageOfThatCommandIs() {
        assertEquals("sample-client: Unknown option: '--bogus'\nsee 'sample-client transact --help'\n",
                UsageCheck.usageError(SampleClient.commandLine(), "transact", "--bogus", "[\"kvdb\"]"));
        assertEquals("""
                sample-client: Missing required parameter: '[SERVER] TXN'
                see 'sample-client transact --help'
                """, UsageCheck.usageError(SampleClient.commandLine(), "transact"));
    }
}
