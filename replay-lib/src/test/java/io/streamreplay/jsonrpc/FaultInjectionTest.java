package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.LongNode;
import io.streamreplay.fault.FaultyStreamProvider;
import io.streamreplay.fault.StreamFaults;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.poll.SystemClock;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterClient;
import io.streamreplay.testing.CounterServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON-RPC connections, sessions and a server on a bad network: fragmented reads and writes, stalls and resets
 * injected below them by {@link FaultyStreamProvider}, over real loopback TCP; and the replay of a recorded faulty
 * session, which needs no faults injected.
 */
class FaultInjectionTest {

    private static final String PROGRAM = "counter-server";
    private static final StreamProvider PLAIN = TransportRegistry.standard(TlsConfig.none());

    @TempDir
    Path tmp;

    /** Every read and write in pieces of 1 to 7 bytes, and 2 % of them held 15 ms, on TCP streams only. */
    private static StreamFaults fragmentingAndStalling(long seed) {
        return StreamFaults.of("tcp:*:100:slice(max=7),tcp:*:2:delay(ms=15)", seed);
    }

    @Test
    void messagesSurviveReadsAndWritesOfOneToSevenBytesAndStallsOnBothSides() throws Exception {
        StreamFaults faults = fragmentingAndStalling(11);
        CounterServer server = new CounterServer(ReplayContext.live(),
                new FaultyStreamProvider(PLAIN, faults, SystemClock.INSTANCE), List.of("ptcp:0:127.0.0.1"),
                tmp.resolve("ctl"));
        Thread thread = new Thread(server::runUntilExit, "faulty-server");
        thread.start();
        String target = "tcp:127.0.0.1:" + server.listeners().get(0).split(":")[1];
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<String>>> sessions = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                int seed = c;
                sessions.add(pool.submit(() -> {
                    StreamProvider clientSide = new FaultyStreamProvider(PLAIN, fragmentingAndStalling(100 + seed),
                            SystemClock.INSTANCE);
                    try (CounterClient client = new CounterClient(clientSide, PollLoop.live(), target)) {
                        return client.standardSession(40);
                    }
                }));
            }
            for (Future<List<String>> session : sessions) {
                List<String> replies = session.get(60, TimeUnit.SECONDS);
                assertEquals(40 + 3, replies.size());
                assertTrue(replies.get(replies.size() - 1).contains("\"unknown method\""), replies.toString());
            }
        } finally {
            pool.shutdownNow();
            server.stop();
            thread.join(10_000);
        }
        assertEquals(3 * 40 + " additions", server.events().stream().filter(e -> e.contains("\"add\"")).count()
                + " additions");
    }

    @Test
    void aSessionReconnectsAfterEachInjectedResetAndCarriesOn() throws Exception {
        CounterServer server = new CounterServer(ReplayContext.live(), PLAIN, List.of("ptcp:0:127.0.0.1"),
                tmp.resolve("ctl"));
        Thread thread = new Thread(server::runUntilExit, "server");
        thread.start();
        try (PollLoop loop = PollLoop.live()) {
            StreamProvider resetting = new FaultyStreamProvider(PLAIN,
                    StreamFaults.of("tcp:*:100:reset(after=250)", 1), loop.clock());
            JsonRpcSession session = JsonRpcSession.connect(loop, resetting, "tcp:127.0.0.1:"
                    + server.listeners().get(0).split(":")[1], Limits.DEFAULT, 0);
            int answered = 0;
            long id = 0;
            long pending = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (answered < 12 && System.nanoTime() < deadline) {
                session.run();
                if (session.isConnected() && pending < 0) {
                    pending = id++;
                    session.send(Message.request("add", Json.array(0), LongNode.valueOf(pending)));
                }
                for (Message reply = session.recv(); reply != null; reply = session.recv()) {
                    if (reply.id().asLong() == pending) {
                        answered++;
                        pending = -1;
                    }
                }
                if (!session.isConnected()) {
                    pending = -1; // lost with the connection: ask again on the next one
                }
                session.waitAll(loop, "test");
                loop.waitMillis(50, "test");
                loop.block();
            }
            assertEquals(12, answered, "every request is answered in the end");
            assertTrue(session.connections() >= 3, "after resets every ~250 bytes the session reconnected: "
                    + session.connections() + " connections");
            assertTrue(
                    session.lastError().getMessage()
                            .contains("Connection reset by peer (injected by tcp:*:100:reset(after=250))"),
                    session.lastError().getMessage());
            session.close();
        } finally {
            server.stop();
            thread.join(10_000);
        }
    }

    @Test
    void aServerRecordedUnderFaultsReplaysTheSameEventsWithoutThem() throws Exception {
        Path dir = tmp.resolve("recording");
        List<String> remotes = List.of("ptcp:0:127.0.0.1");
        StreamFaults faults = StreamFaults.of("tcp:*:100:slice(max=7),tcp:*:5:delay(ms=10),tcp:*:100:reset(after=1500)",
                7);
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, remotes);
        CounterServer server = new CounterServer(recording, loop -> new FaultyStreamProvider(PLAIN, faults,
                loop.clock()), remotes, tmp.resolve("ctl"));
        Thread thread = new Thread(server::runUntilExit, "recorded-faulty-server");
        thread.start();
        String target = "tcp:127.0.0.1:" + server.listeners().get(0).split(":")[1];
        int resets = 0;
        for (int c = 0; c < 4; c++) {
            try (CounterClient client = new CounterClient(PLAIN, PollLoop.live(), target)) {
                client.standardSession(30);
            } catch (IOException e) {
                resets++; // the server side was reset under this client
            }
        }
        try (CounterClient admin = new CounterClient(PLAIN, PollLoop.live(), "unix:" + tmp.resolve("ctl"))) {
            admin.call("exit");
        }
        thread.join(30_000);
        recording.close();
        assertTrue(resets > 0, "the injected resets reached the clients");
        assertTrue(server.events().stream().anyMatch(e -> e.contains("(injected by tcp:*:100:reset(after=1500))")),
                server.events().toString());

        ReplayContext replay = ReplayContext.replay(dir, PROGRAM);
        CounterServer replayed = new CounterServer(replay, PLAIN, remotes, tmp.resolve("ctl"));
        replayed.runUntilExit();
        replay.close();
        assertEquals(server.events(), replayed.events(), "the replay sees every fragment, stall and reset as recorded");
    }
}
