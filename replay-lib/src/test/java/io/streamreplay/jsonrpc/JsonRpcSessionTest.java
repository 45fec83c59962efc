package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.LongNode;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.testing.ManualBlocker;
import io.streamreplay.testing.ManualClock;
import io.streamreplay.testing.MemoryTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Sessions on simulated time over in-memory streams: reconnection with backoff, automatic echo, inactivity probes.
 * Every time asserted is exact, as Open vSwitch's reconnect state machine gives it: backoff doubling from 1 s to
 * 8 s, a probe after the interval of silence and a disconnection after as long again.
 */
class JsonRpcSessionTest {

    private final MemoryTransport network = new MemoryTransport();
    private final ManualClock clock = new ManualClock();
    private final PollLoop loop = ManualBlocker.newLoop(clock);

    /**
     * Runs the loop until {@code done} holds after a step, doing {@code step} (work, then waits) each iteration; at
     * most 1,000 simulated seconds and 100,000 iterations.
     */
    private void runUntil(BooleanSupplier done, Runnable step) {
        long limit = TimeUnit.SECONDS.toNanos(1000);
        for (int i = 0; !done.getAsBoolean(); i++) {
            assertTrue(clock.nanoTime() < limit && i < 100_000, "not reached within 1,000 simulated seconds and"
                    + " 100,000 iterations: at " + nowMillis() + " ms");
            step.run();
            if (!done.getAsBoolean()) {
                loop.waitUntil(limit, "limit");
                loop.block();
            }
        }
    }

    private long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(clock.nanoTime());
    }

    @Test
    void aClientSessionRetriesWithDoublingBackoffAndConnectsOnceTheServerAppears() throws IOException {
        JsonRpcSession session = JsonRpcSession.connect(loop, network.registry(), "mem:db", Limits.DEFAULT, 0);
        List<Long> failures = new ArrayList<>();
        IOException[] seen = {null};
        Runnable step = () -> {
            session.run();
            if (session.lastError() != seen[0]) {
                seen[0] = session.lastError();
                failures.add(nowMillis());
            }
            session.waitAll(loop, "session");
        };
        runUntil(() -> failures.size() == 4, step);
        assertEquals(List.of(0L, 1000L, 3000L, 7000L), failures, "attempts at 0, then after 1, 2 and 4 s");
        assertFalse(session.isConnected());
        assertTrue(session.isAlive(), "an active session stays alive to reconnect");

        PassiveStream listener = network.registry().listen("pmem:db");
        runUntil(session::isConnected, step);
        assertEquals(15_000L, nowMillis(), "the next attempt, 8 s after the last, connects");
        assertEquals(1, session.connections());
        session.close();
        listener.close();
    }

    @Test
    void echoRequestsAreAnsweredBySessionsAndNeverReachTheApplication() throws IOException {
        List<Message> seen = new ArrayList<>();
        JsonRpcServer server = new JsonRpcServer(loop, network.registry(), Limits.DEFAULT, 0,
                (s, m) -> seen.add(m));
        server.listen("pmem:db");
        JsonRpcConnection client = new JsonRpcConnection(network.registry().open("mem:db"), Limits.DEFAULT);
        client.send(Message.request("echo", Json.array("ping", 7), LongNode.valueOf(1)));
        Message[] reply = {null};
        runUntil(() -> reply[0] != null, () -> {
            server.run();
            client.run();
            reply[0] = client.recv();
            server.waitAll("server");
            client.waitRecv(loop, "client");
        });
        assertEquals("{\"id\":1,\"result\":[\"ping\",7],\"error\":null}", reply[0].toString());

        client.send(Message.notification("done", Json.array()));
        runUntil(() -> !seen.isEmpty(), () -> {
            server.run();
            client.run();
            server.waitAll("server");
            client.waitSend(loop, "client");
        });
        assertEquals(1, seen.size(), "only the application's own message reached the handler");
        assertEquals("done", seen.get(0).method());
        client.close();
        server.close();
    }

    @Test
    void aSilentPeerIsProbedAfterTheIntervalAndDroppedAfterAsLongAgain() throws IOException {
        List<String> events = new ArrayList<>();
        JsonRpcServer server = new JsonRpcServer(loop, network.registry(), Limits.DEFAULT, 200, new Recorder(events));
        server.listen("pmem:db");
        Stream silent = network.registry().open("mem:db");
        runUntil(() -> events.contains("disconnected"), () -> {
            server.run();
            readProbe(silent, events);
            server.waitAll("server");
            silent.waitRecv(loop, "peer");
        });
        assertEquals(List.of("connected at 0", "probe at 200", "disconnected", "at 400"), events);
        assertTrue(server.sessions().isEmpty());
        silent.close();
        server.close();
    }

    @Test
    void aPeerThatAnswersEachProbeLateButWithinTheIntervalStaysConnected() throws IOException {
        assertEquals(List.of("connected at 0", "probe at 200", "probe at 550", "probe at 900"),
                probedPeerAnsweringAfter(150, 1000));
    }

    @Test
    void aPeerThatAnswersAProbeAfterTheIntervalIsDropped() throws IOException {
        assertEquals(List.of("connected at 0", "probe at 200", "disconnected", "at 400"),
                probedPeerAnsweringAfter(250, 1000));
    }

    /**
     * A server probing every 200 ms, and a peer that says nothing but answers each probe {@code delayMillis} after
     * it arrived; what the server did, with times, over {@code untilMillis} of simulated time.
     */
    private List<String> probedPeerAnsweringAfter(long delayMillis, long untilMillis) throws IOException {
        List<String> events = new ArrayList<>();
        JsonRpcServer server = new JsonRpcServer(loop, network.registry(), Limits.DEFAULT, 200, new Recorder(events));
        server.listen("pmem:db");
        Stream peer = network.registry().open("mem:db");
        long[] answerAt = {Long.MAX_VALUE};
        runUntil(() -> nowMillis() >= untilMillis || events.contains("disconnected"), () -> {
            server.run();
            if (readProbe(peer, events)) {
                answerAt[0] = nowMillis() + delayMillis;
            }
            if (nowMillis() >= answerAt[0]) {
                answerAt[0] = Long.MAX_VALUE;
                byte[] reply = "{\"id\":\"echo\",\"result\":[],\"error\":null}".getBytes(StandardCharsets.UTF_8);
                sendAll(peer, ByteBuffer.wrap(reply));
            }
            server.waitAll("server");
            peer.waitRecv(loop, "peer");
            if (answerAt[0] != Long.MAX_VALUE) {
                loop.waitUntil(TimeUnit.MILLISECONDS.toNanos(answerAt[0]), "peer answers");
            }
        });
        peer.close();
        server.close();
        return events;
    }

    private static void sendAll(Stream stream, ByteBuffer bytes) {
        try {
            stream.send(bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertFalse(bytes.hasRemaining(), "a short reply fits the in-memory buffer");
    }

    /** Notes connections and losses with their simulated time. */
    private final class Recorder implements JsonRpcServer.Handler {
        private final List<String> events;

        Recorder(List<String> events) {
            this.events = events;
        }

        @Override
        public void handle(JsonRpcSession session, Message message) {
        }

        @Override
        public void connected(JsonRpcSession session) {
            events.add("connected at " + nowMillis());
        }

        @Override
        public void disconnected(JsonRpcSession session) {
            events.add("disconnected");
            events.add("at " + nowMillis());
            assertTrue(session.lastError().getMessage().equals("mem:db#1: inactivity probe timed out"),
                    session.lastError().getMessage());
        }
    }

    /** Reads what the server sent the peer; notes a probe's time and says whether one came. */
    private boolean readProbe(Stream peer, List<String> events) {
        byte[] bytes = new byte[1024];
        try {
            int n = peer.recv(ByteBuffer.wrap(bytes));
            if (n > 0 && new String(bytes, 0, n, StandardCharsets.UTF_8).contains("\"method\":\"echo\"")) {
                events.add("probe at " + nowMillis());
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
