package io.streamreplay.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.replay.Manifest;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterClient;
import io.streamreplay.testing.CounterServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults below the recording: a recording of a run with faults holds their results, so that its replay, which
 * injects nothing, sees what the recorded run saw; the same seed and input give the same recorded schedule; and
 * faults set and cleared through the control socket while recording are replayed in the same places.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecordedFaultsTest {

    private static final String PROGRAM = "counter-server";
    private static final StreamProvider PLAIN = TransportRegistry.standard(TlsConfig.none());
    private static final List<String> REMOTES = List.of("ptcp:0:127.0.0.1");
    private static final String MIX = "tcp:*:100:slice(max=5),tcp:*:20:delay(ms=3;jitter=2),tcp:*:3:hang(ms=20),"
            + "tcp:*:100:reset(after=900)";

    @TempDir
    Path tmp;

    /** Records a counter server under {@code spec} (none if null) while {@code work} talks to it. */
    private List<String> record(Path dir, String spec, long seed, Work work) throws Exception {
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, REMOTES);
        recording.startStreamFaults(spec == null ? null : FaultSpec.parse(spec), seed);
        CounterServer server = new CounterServer(recording, PLAIN, REMOTES, dir.resolveSibling(dir.getFileName()
                + ".ctl"));
        Thread thread = new Thread(server::runUntilExit, "recorded-server");
        thread.start();
        try {
            work.run("tcp:127.0.0.1:" + server.listeners().get(0).split(":")[1], "unix:" + dir.resolveSibling(dir
                    .getFileName() + ".ctl"));
            try (CounterClient admin = new CounterClient(PLAIN, PollLoop.live(), "unix:" + dir.resolveSibling(dir
                    .getFileName() + ".ctl"))) {
                admin.call("exit");
            }
        } finally {
            thread.join(30_000);
            recording.close();
        }
        return server.events();
    }

    /** Replays {@code dir} as a process started with the recorded command line would: the recorded seed given. */
    private List<String> replay(Path dir, Long seed) throws IOException {
        ReplayContext replay = ReplayContext.replay(dir, PROGRAM);
        replay.startStreamFaults(null, seed);
        CounterServer replayed = new CounterServer(replay, PLAIN, REMOTES, dir.resolveSibling("replay.ctl"));
        replayed.runUntilExit();
        replay.close();
        return replayed.events();
    }

    /** What a test does to the recorded server, given its TCP and control addresses. */
    @FunctionalInterface
    private interface Work {
        void run(String tcp, String control) throws Exception;
    }

    /** Sequential sessions, each request waiting for its reply: the same input on every run. */
    private static void sessions(String tcp, String control) {
        for (int c = 0; c < 3; c++) {
            try (CounterClient client = new CounterClient(PLAIN, PollLoop.live(), tcp)) {
                client.standardSession(15);
            } catch (IOException e) {
                // Reset under this client by the faults: the next session starts afresh.
            }
        }
    }

    /** The kinds of the events of each TCP stream, in the order the streams first appear. */
    private static List<List<RecordType>> schedule(Path dir) throws IOException {
        Map<String, List<RecordType>> kinds = new LinkedHashMap<>();
        try (RecordingReader reader = RecordingReader.open(dir)) {
            for (RecordedEvent e = reader.next(); e != null; e = reader.next()) {
                if (e.stream() != null && e.stream().startsWith("tcp:")) {
                    kinds.computeIfAbsent(e.stream(), s -> new ArrayList<>()).add(e.type());
                }
            }
        }
        return new ArrayList<>(kinds.values());
    }

    @Test
    void aRunRecordedUnderFaultsReplaysExactlyWithoutThem() throws Exception {
        Path dir = tmp.resolve("chaos");
        List<String> recorded = record(dir, MIX, 20261201L, RecordedFaultsTest::sessions);
        assertTrue(recorded.stream().anyMatch(e -> e.contains("(injected by tcp:*:100:reset(after=900))")),
                "the resets reached the application: " + recorded);
        assertEquals(recorded, replay(dir, 20261201L),
                "the replay sees every piece, delay, hang and reset as recorded");
        Manifest manifest;
        try (RecordingReader reader = RecordingReader.open(dir)) {
            manifest = reader.manifest();
        }
        assertEquals(List.of(new Manifest.FaultSetting(FaultSpec.parse(MIX).toString(), 20261201L, 0)),
                manifest.streamFaults(), "the manifest holds the faults and their seed");
    }

    /** Chaos trials: random seeds, each run recorded and replayed; {@code -Dfaults.trials=N} runs more. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyChaosTrialReplaysWithoutDivergence() throws Exception {
        int trials = Integer.getInteger("faults.trials", 3);
        long seed = Long.getLong("faults.seed", new Random().nextLong());
        Random seeds = new Random(seed);
        String mix = MIX + ",tcp:*:2:error(errno=EPIPE),tcp:*:10:bandwidth(rate=200000)";
        for (int trial = 0; trial < trials; trial++) {
            long trialSeed = seeds.nextLong();
            Path dir = tmp.resolve("trial-" + trial);
            List<String> recorded = record(dir, mix, trialSeed, RecordedFaultsTest::sessions);
            assertEquals(recorded, replay(dir, trialSeed), "trial " + trial + " (seed " + trialSeed + ")");
        }
        System.out.println("fault trials: " + trials + " chaos recordings replayed without divergence, seed " + seed);
    }

    @Test
    void theSameSeedAndInputGiveTheSameScheduleAndAnotherSeedAnother() throws Exception {
        List<List<RecordType>> first = null;
        for (long seed : new long[] {11, 11, 12}) {
            Path dir = tmp.resolve("seed-" + seed + "-" + System.nanoTime());
            record(dir, MIX, seed, RecordedFaultsTest::sessions);
            List<List<RecordType>> schedule = schedule(dir);
            assertTrue(schedule.size() >= 3, schedule.toString());
            if (first == null) {
                first = schedule;
            } else if (seed == 11) {
                assertEquals(first, schedule, "seed 11 twice, the same input: the same event kinds per stream");
            } else {
                assertTrue(!first.equals(schedule), "seeds 11 and 12 differ");
            }
        }
    }

    @Test
    void faultsSetAndClearedThroughTheControlSocketAreReplayedInTheSamePlaces() throws Exception {
        Path dir = tmp.resolve("runtime");
        List<String> replies = new ArrayList<>();
        List<String> recorded = record(dir, null, 99, (tcp, control) -> {
            try (CounterClient admin = new CounterClient(PLAIN, PollLoop.live(), control);
                    CounterClient client = new CounterClient(PLAIN, PollLoop.live(), tcp)) {
                replies.add(client.call("add", 1).toString());
                Message set = admin.call("stream-faults/set", "tcp:*:100:slice(max=2);warmup=1)");
                replies.add(set.toString());
                set = admin.call("stream-faults/set", "tcp:*:100:slice(max=2;warmup=1),tcp:*:50:delay(ms=5)");
                replies.add(set.toString());
                for (int i = 0; i < 5; i++) {
                    replies.add(client.call("add", 1).toString());
                }
                replies.add(admin.call("stream-faults/list").toString());
                replies.add(admin.call("stream-faults/clear").toString());
                replies.add(client.call("add", 1).toString());
            }
        });
        String all = String.join("\n", replies);
        assertTrue(all.contains("expected ')' to close the parameters") || all.contains("at column"), all);
        assertTrue(all.contains("stream faults, seed 99\\n  1: tcp:*:100:slice(max=2;warmup=1)\\n"
                + "  2: tcp:*:50:delay(ms=5;jitter=0)\\n"), all);
        assertTrue(all.contains("no stream faults, seed 99"), all);
        assertEquals(recorded, replay(dir, 99L), "the replay sees what the recorded run saw, replies included");
        List<Manifest.FaultSetting> settings;
        try (RecordingReader reader = RecordingReader.open(dir)) {
            settings = reader.manifest().streamFaults();
        }
        assertEquals(2, settings.size(), settings.toString());
        assertEquals("", settings.get(1).spec(), "cleared");
    }
}
