package io.streamreplay.tool.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A raw stream's live bytes against the recorded replies in full: byte for byte, whatever the chunking. */
class ByteCheckTest {

    private static RecordedConnection recorded(String... replies) throws Exception {
        RecordedConnection connection = new RecordedConnection(1, "tcp:127.0.0.1:1#1", "ptcp:1", 1, false, true,
                new RecordedConnection.Held(), new ReplyOrder());
        connection.pairUpstream("upstream.srr");
        long seq = 10;
        for (String reply : replies) {
            connection.upstreamEvent(new RecordedEvent(seq, seq, RecordType.RECV_DATA, "tcp:127.0.0.1:2",
                    Path.of("upstream.srr"), 0, reply.getBytes(StandardCharsets.UTF_8), false));
            seq += 10;
        }
        return connection;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theSameBytesCutOtherwiseMatch() throws Exception {
        RecordedConnection connection = recorded("ACK 1\n", "ACK 2\nACK 3\n");
        ByteCheck check = new ByteCheck(connection, false);
        assertNull(check.bytes(bytes("AC")));
        assertNull(check.bytes(bytes("K 1\nACK 2\nA")));
        assertTrue(check.expectsMore());
        assertNull(check.bytes(bytes("CK 3\n")));
        assertFalse(check.expectsMore());
    }

    @Test
    void theFirstDifferentByteIsReportedWithItsRecordedEvent() throws Exception {
        RecordedConnection connection = recorded("ACK 1\n", "ACK 2\nACK 3\n");
        Mismatch mismatch = new ByteCheck(connection, false).bytes(bytes("ACK 1\nACK 2\nNAK 3\n"));
        assertEquals(20, mismatch.seq(), "the second recorded chunk holds it");
        assertTrue(mismatch.what().contains("at byte 6"), mismatch.what());
        assertTrue(mismatch.expected().endsWith("ACK 3\\n"), mismatch.expected());
        assertTrue(mismatch.actual().endsWith("NAK 3\\n"), mismatch.actual());
    }

    @Test
    void lengthsOnlyIgnoreTheContent() throws Exception {
        RecordedConnection connection = recorded("ACK 1\n");
        assertNull(new ByteCheck(connection, true).bytes(bytes("NAK 1\n")));
    }
}
