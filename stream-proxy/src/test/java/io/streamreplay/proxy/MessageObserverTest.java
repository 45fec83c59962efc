package io.streamreplay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the protocol observers count, fed one byte at a time and in one piece. */
class MessageObserverTest {

    private final Traffic traffic = new Traffic();
    private final Latency latency = new Latency();
    private final Meter meter = new Meter(List.of(traffic), List.of(latency));

    @Test
    void jsonRpcMessagesAreCountedByTypeAndRequestsTimedToTheirReplies() {
        MessageObserver observer = Protocol.JSONRPC.observer("test", meter);
        byteByByte(observer, Direction.UPSTREAM, "{\"id\":1,\"method\":\"echo\",\"params\":[]}"
                + "{\"id\":null,\"method\":\"note\",\"params\":[]}{\"id\":\"two\",\"method\":\"x\",\"params\":[]}", 0);
        feed(observer, Direction.DOWNSTREAM, "{\"id\":1,\"result\":[],\"error\":null}", 5_000_000);
        feed(observer, Direction.DOWNSTREAM, "{\"id\":\"two\",\"result\":null,\"error\":\"no\"}", 9_000_000);
        assertEquals(Map.of("request", 2L, "notification", 1L), counts(Direction.UPSTREAM));
        assertEquals(Map.of("reply", 1L, "error", 1L), counts(Direction.DOWNSTREAM));
        assertEquals(2, latency.snapshot().getTotalCount());
        assertTrue(Math.abs(latency.snapshot().getMinValue() - 5000) <= 5, "5 ms, in microseconds");
        assertTrue(Math.abs(latency.snapshot().getMaxValue() - 9000) <= 9, "9 ms, in microseconds");
    }

    @Test
    void bytesThatAreNotJsonRpcStopTheCountingOfTheirDirectionOnly() {
        MessageObserver observer = Protocol.JSONRPC.observer("test", meter);
        feed(observer, Direction.UPSTREAM, "GET / HTTP/1.1\r\n\r\n", 0);
        feed(observer, Direction.UPSTREAM, "{\"id\":1,\"method\":\"echo\",\"params\":[]}", 0);
        feed(observer, Direction.DOWNSTREAM, "{\"id\":null,\"method\":\"update\",\"params\":[]}", 0);
        assertEquals(Map.of(), counts(Direction.UPSTREAM));
        assertEquals(Map.of("notification", 1L), counts(Direction.DOWNSTREAM));
    }

    @Test
    void linesAreCountedByTheirFirstWordWhateverTheChunks() {
        MessageObserver observer = Protocol.LINES.observer("test", meter);
        byteByByte(observer, Direction.UPSTREAM, "REQ 1 data\r\nREQ 2\n\n  PING\nunfinished", 0);
        feed(observer, Direction.DOWNSTREAM, "ACK 1\nNAK 2\nACK\n", 0);
        assertEquals(Map.of("REQ", 2L, "PING", 1L), counts(Direction.UPSTREAM));
        assertEquals(Map.of("ACK", 2L, "NAK", 1L), counts(Direction.DOWNSTREAM));
    }

    @Test
    void distinctKindsAreBoundedSoThatAPeerCannotGrowTheCounters() {
        MessageObserver observer = Protocol.LINES.observer("test", meter);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < Traffic.MAX_KINDS + 10; i++) {
            lines.append("W").append(i).append('\n');
        }
        feed(observer, Direction.UPSTREAM, lines.toString(), 0);
        Map<String, Long> counts = counts(Direction.UPSTREAM);
        assertEquals(Traffic.MAX_KINDS + 1, counts.size());
        assertEquals(10, counts.get(Traffic.OTHER_KIND));
        assertNull(counts.get("W" + (Traffic.MAX_KINDS + 5)));
    }

    @Test
    void rawCountsNothing() {
        feed(Protocol.RAW.observer("test", meter), Direction.UPSTREAM, "REQ 1\n", 0);
        assertEquals(Map.of(), counts(Direction.UPSTREAM));
    }

    private Map<String, Long> counts(Direction direction) {
        Map<String, Long> counts = new TreeMap<>();
        for (Map.Entry<String, AtomicLong> kind : traffic.messages(direction).entrySet()) {
            counts.put(kind.getKey(), kind.getValue().get());
        }
        return counts;
    }

    private static void feed(MessageObserver observer, Direction direction, String text, long now) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        observer.observe(direction, bytes, 0, bytes.length, now);
    }

    private static void byteByByte(MessageObserver observer, Direction direction, String text, long now) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            observer.observe(direction, bytes, i, 1, now);
        }
    }
}
