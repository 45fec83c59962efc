package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.fault.FaultyStreamProvider;
import io.streamreplay.fault.StreamFaults;
import io.streamreplay.jsonrpc.Backoff;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.Await;
import io.streamreplay.testing.CounterClient;
import io.streamreplay.testing.CounterServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time is a recorded input: a server recorded over real TCP while its timers fire (an inactivity probe that drops a
 * silent client, a reconnect backoff to a listener that comes and goes) replays with every timer firing at the same
 * event, and every clock reading it logs the same, with no socket and no waiting. Then the same under scheduling
 * noise: faults that stall and fragment the streams and a thread that takes a core, in repeated trials
 * ({@code -Djitter.trials=N} per scenario, 15 by default; {@code -Djitter.seed} repeats a run).
 */
class RecordedTimeTest {

    private static final String PROGRAM = "counter-server";
    private static final StreamProvider TCP = TransportRegistry.standard(TlsConfig.none());

    @TempDir
    Path tmp;

    /** The recorded server's streams: plain TCP, whatever its loop. */
    private static StreamProvider plain(PollLoop loop) {
        return TCP;
    }

    @Test
    void aSilentClientIsProbedAndDroppedAtTheSameEventInTheReplay() throws Exception {
        List<String> recorded = silentClientScenario(tmp.resolve("probe"), RecordedTimeTest::plain);
        assertTrue(recorded.stream().anyMatch(e -> e.contains("inactivity probe timed out")), recorded.toString());
        assertEquals(recorded, replay(tmp.resolve("probe"), List.of("ptcp:0:127.0.0.1"), 200L));
    }

    @Test
    void anActiveRemoteReconnectsWithBackoffAndTheReplayRetriesAtTheSameTimes() throws Exception {
        List<String> recorded = comingAndGoingListenerScenario(tmp.resolve("backoff"), RecordedTimeTest::plain);
        assertTrue(recorded.stream().filter(e -> e.startsWith("attempt failed at ")).count() >= 4, recorded.toString());
        assertTrue(recorded.stream().filter(e -> e.startsWith("connected ")).count() >= 3, recorded.toString());
        assertEquals(recorded, replay(tmp.resolve("backoff"), remotesOf(recorded), null));
    }

    @Test
    void aPacedReplayTakesAtLeastTheRecordedTimeOverItsFactorAndDoesTheSame() throws Exception {
        Path work = tmp.resolve("paced");
        List<String> recorded = comingAndGoingListenerScenario(work, RecordedTimeTest::plain);
        long span = spanNanos(work.resolve("recording"));
        for (String pace : List.of("real", "2x")) {
            long start = System.nanoTime();
            assertEquals(recorded, replay(work, remotesOf(recorded), null, ReplayPace.parse(pace)), pace);
            long took = System.nanoTime() - start;
            // Pacing sleeps until each iteration's recorded time over the factor: never sooner, the gap before the
            // first client included. (How close it comes is measured, not tested: the machine may be busy.)
            assertTrue(took >= span / ReplayPace.parse(pace).factor(), pace + ": " + took + " ns for a recording"
                    + " of " + span + " ns");
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void underStallsAndABusyCoreEveryTrialReplaysWithoutDivergence() throws Exception {
        int trials = Integer.getInteger("jitter.trials", 15);
        long seed = Long.getLong("jitter.seed", System.nanoTime());
        Random seeds = new Random(seed);
        int replayed = 0;
        AtomicBoolean hogging = new AtomicBoolean(true);
        Thread hog = new Thread(() -> {
            long spins = 0;
            while (hogging.get()) {
                spins++;
            }
            assertTrue(spins > 0);
        }, "cpu-hog");
        hog.setDaemon(true);
        hog.start();
        try {
            for (int trial = 0; trial < trials; trial++) {
                long trialSeed = seeds.nextLong();
                Function<PollLoop, StreamProvider> noisy = loop -> new FaultyStreamProvider(TCP,
                        StreamFaults.of("*tcp:*:30:slice(max=7),*tcp:*:5:delay(ms=3)", trialSeed), loop.clock());
                Path probe = tmp.resolve("probe-" + trial);
                List<String> recorded = silentClientScenario(probe, noisy);
                assertEquals(recorded, replay(probe, List.of("ptcp:0:127.0.0.1"), 200L),
                        "probe trial " + trial + " (seed " + trialSeed + ")");
                Path backoff = tmp.resolve("backoff-" + trial);
                recorded = comingAndGoingListenerScenario(backoff, noisy);
                assertEquals(recorded, replay(backoff, remotesOf(recorded), null),
                        "backoff trial " + trial + " (seed " + trialSeed + ")");
                replayed += 2;
            }
        } finally {
            hogging.set(false);
            hog.join(10_000);
        }
        System.out.println("jitter trials: " + replayed + " recordings replayed without divergence, seed " + seed);
        assertEquals(2 * trials, replayed);
    }

    /**
     * A server probing every 200 ms; a client that connects and says nothing; two clients transacting until the
     * silent one has been dropped; then {@code exit}. Returns what the recorded server saw.
     */
    @SuppressWarnings("try") // the silent client is held open, never used
    private List<String> silentClientScenario(Path work, Function<PollLoop, StreamProvider> live) throws Exception {
        Path dir = work.resolve("recording");
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, List.of());
        CounterServer server = new CounterServer(recording, live, List.of("ptcp:0:127.0.0.1"), work.resolve("ctl"),
                200L, Backoff.DEFAULT);
        Thread serving = new Thread(server::runUntilExit, "recorded-server");
        serving.start();
        String target = "tcp:127.0.0.1:" + server.listeners().get(0).split(":")[1];
        try (Stream silent = TCP.openBlocking(PollLoop.live(), target, 10_000)) {
            AtomicBoolean dropped = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                Thread client = new Thread(() -> transactUntil(target, dropped), "client-" + c);
                client.start();
                clients.add(client);
            }
            Await.until(() -> server.events().stream().anyMatch(e -> e.contains("inactivity probe timed out")),
                    30_000, "the silent client is dropped");
            dropped.set(true);
            for (Thread client : clients) {
                client.join(30_000);
            }
        }
        exit(work);
        serving.join(30_000);
        recording.close();
        return server.events();
    }

    /** Adds until {@code done}, at most 20,000 times: traffic that goes on while the server's timers run. */
    private static void transactUntil(String target, AtomicBoolean done) {
        try (CounterClient client = new CounterClient(TCP, PollLoop.live(), target)) {
            for (int i = 0; i < 20_000 && !done.get(); i++) {
                client.call("add", 1);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A server with an active remote, retrying every 50 to 400 ms, to a listener that is there, drops the
     * connection, and is gone until the server has failed twice more, three times over; then {@code exit}.
     */
    @SuppressWarnings("try") // the accepted connection is held until the server has connected, then dropped
    private List<String> comingAndGoingListenerScenario(Path work, Function<PollLoop, StreamProvider> live)
            throws Exception {
        int port;
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        String remote = "tcp:127.0.0.1:" + port;
        Path dir = work.resolve("recording");
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, List.of());
        CounterServer server = new CounterServer(recording, live, List.of(remote), work.resolve("ctl"), null,
                new Backoff(50, 400));
        Thread serving = new Thread(server::runUntilExit, "recorded-server");
        serving.start();
        for (int cycle = 0; cycle < 3; cycle++) {
            long failed = count(server, "attempt failed at ");
            Await.until(() -> count(server, "attempt failed at ") >= failed + 2, 30_000, "two failed attempts");
            long connected = count(server, "connected ");
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                try (SocketChannel accepted = listener.accept()) {
                    Await.until(() -> count(server, "connected ") > connected, 30_000, "the server connected");
                }
            }
            int ended = cycle;
            Await.until(() -> count(server, "disconnected ") > ended, 30_000, "the server saw the connection end");
        }
        exit(work);
        serving.join(30_000);
        recording.close();
        return server.events();
    }

    private static long count(CounterServer server, String prefix) {
        return server.events().stream().filter(e -> e.startsWith(prefix)).count();
    }

    private static List<String> remotesOf(List<String> events) {
        return events.stream().filter(e -> e.startsWith("connecting ")).map(e -> e.substring("connecting ".length()))
                .toList();
    }

    private static void exit(Path work) throws IOException {
        try (CounterClient admin = new CounterClient(TCP, PollLoop.live(), "unix:" + work.resolve("ctl"))) {
            admin.call("exit");
        }
    }

    /** Replays the recording under {@code work} in this JVM, with no socket; returns what the replayed server saw. */
    private static List<String> replay(Path work, List<String> remotes, Long probeMillis) throws IOException {
        return replay(work, remotes, probeMillis, ReplayPace.MAX);
    }

    private static List<String> replay(Path work, List<String> remotes, Long probeMillis, ReplayPace pace)
            throws IOException {
        ReplayContext replay = ReplayContext.replay(work.resolve("recording"), PROGRAM, null, null, pace);
        CounterServer replayed =
                new CounterServer(replay, RecordedTimeTest::plain, remotes, work.resolve("ctl"), probeMillis,
                        new Backoff(50, 400));
        replayed.runUntilExit();
        replay.close();
        return replayed.events();
    }

    /** Nanoseconds from the first event of the recording in {@code dir} to its last. */
    private static long spanNanos(Path dir) throws IOException {
        try (RecordingReader reader = RecordingReader.open(dir)) {
            long first = -1;
            long last = 0;
            for (RecordedEvent event = reader.next(); event != null; event = reader.next()) {
                first = first < 0 ? event.time() : first;
                last = event.time();
            }
            return last - first;
        }
    }
}
