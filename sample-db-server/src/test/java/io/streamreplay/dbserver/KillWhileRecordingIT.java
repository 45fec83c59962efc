package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.MessageParser;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a recording server under load, at random moments, many times: every recording replays
 * without error, to a prefix of the recorded run, and the replayed database holds exactly the transactions whose
 * requests the recording holds, in order. A killed recording's files can end anywhere, headers included (the kill
 * may come between the flushes of two files): cut at such places, it replays to the cut, with status 0.
 *
 * <p>{@code -Dcrash.trials=N} sets the number of trials (default 4; a soak: {@code mvn verify -pl sample-db-server
 * -Dit.test=KillWhileRecordingIT -Dcrash.trials=200}); {@code -Dcrash.seed=S} repeats a run's kill times.
 */
class KillWhileRecordingIT {

    private static final int TRIALS = Integer.getInteger("crash.trials", 4);
    private static final long SEED = Long.getLong("crash.seed", System.nanoTime());

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 24, unit = TimeUnit.HOURS) // bounded below by the number of trials instead
    void everyRecordingOfAKilledServerReplaysExactlyTheTransactionsItHolds() {
        assertTimeoutPreemptively(Duration.ofSeconds(60L * TRIALS), () -> {
            Random random = new Random(SEED);
            int transactions = 0;
            for (int trial = 0; trial < TRIALS; trial++) {
                long killAfter = 150L + random.nextInt(1500);
                transactions += trial(tmp.resolve("trial-" + trial), killAfter, "trial " + trial + " (seed " + SEED
                        + ", killed after " + killAfter + " ms)");
            }
            System.out.printf("kill -9 trials: %d, transactions replayed: %d, seed %d%n", TRIALS, transactions,
                    SEED);
        });
    }

    @Test
    void aKilledServersRecordingCutInAnyFileHeaderIncludedReplaysToTheCutWithStatusZero() throws Exception {
        Path dir = tmp.resolve("cut");
        recordAndKill(dir, 800);
        List<JsonNode> recorded = RecordReplayIT.records(dir.resolve("kv.db"));
        Path recording = dir.resolve("recording");
        List<Path> clients;
        try (var files = Files.list(recording)) {
            clients = files.filter(f -> f.getFileName().toString().matches("\\d{8}-unix-.*-db-sock\\.srr")).sorted()
                    .toList();
        }
        assertTrue(clients.size() >= 3, clients.toString());
        Path listener = onlyFile(recording, "\\d{8}-punix-.*-db-sock\\.srr");
        Map<Path, Long> cuts = new java.util.LinkedHashMap<>();
        cuts.put(clients.get(1), 0L);
        cuts.put(clients.get(2), 20L);
        cuts.put(clients.get(0), Files.size(clients.get(0)) / 2);
        cuts.put(listener, 30L);
        cuts.put(onlyFile(recording, "source-uuid\\.srr"), 5L);
        int n = 0;
        for (Map.Entry<Path, Long> cut : cuts.entrySet()) {
            Path copy = dir.resolve("cut-" + n++);
            Files.createDirectories(copy);
            try (var files = Files.list(recording)) {
                for (Path file : files.toList()) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
            try (FileChannel channel = FileChannel.open(copy.resolve(cut.getKey().getFileName()),
                    StandardOpenOption.WRITE)) {
                channel.truncate(cut.getValue());
            }
            String what = cut.getKey().getFileName() + " cut at " + cut.getValue();
            ServerProcess.restoreDatabase(dir);
            int status = ServerProcess.run(dir, dir.resolve("replay.out"), List.of("kv.db", "--remote=punix:"
                    + dir.resolve("db.sock"), "--control=" + dir.resolve("ctl"), "--replay=" + copy), 120);
            String output = Files.readString(dir.resolve("replay.out"));
            assertEquals(0, status, what + ":\n" + output);
            assertTrue(output.contains("the recorded process was killed or crashed here"), what + ":\n" + output);
            List<JsonNode> replayed = RecordReplayIT.records(dir.resolve("kv.db"));
            assertEquals(recorded.subList(0, replayed.size()), replayed, what + ": a prefix of the recorded run");
            assertEquals(transactRequestsIn(copy), replayed.size() - 1, what + ": a transaction for each request"
                    + " the cut recording holds before its end");
        }
    }

    private static Path onlyFile(Path dir, String regex) throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches(regex)).findFirst().orElseThrow();
        }
    }

    /** Records a server under load from three clients, and kills it after {@code killAfterMillis}. */
    private static List<String> recordAndKill(Path dir, long killAfterMillis) throws Exception {
        Files.createDirectories(dir);
        ServerProcess.createDatabase(dir, RecordReplayIT.SCHEMA);
        List<String> args = List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"),
                "--control=" + dir.resolve("ctl"));
        List<String> recordArgs = new ArrayList<>(args);
        recordArgs.add("--replay-record=recording");
        List<Process> clients = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), recordArgs)) {
            server.awaitLine("serving");
            for (String prefix : List.of("a", "b", "c")) {
                clients.add(RecordReplayIT.startTransactingClient("unix:" + dir.resolve("db.sock"), prefix));
            }
            Thread.sleep(killAfterMillis);
            server.kill();
        } finally {
            for (Process client : clients) {
                client.destroyForcibly().waitFor();
            }
        }
        return args;
    }

    /** One trial; returns the number of transactions its replay committed. */
    private int trial(Path dir, long killAfterMillis, String what) throws Exception {
        List<String> args = recordAndKill(dir, killAfterMillis);
        List<JsonNode> recorded = RecordReplayIT.records(dir.resolve("kv.db"));
        int requests = transactRequestsIn(dir.resolve("recording"));

        ServerProcess.restoreDatabase(dir);
        List<String> replayArgs = new ArrayList<>(args);
        replayArgs.add("--replay=recording");
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), replayArgs, 120);
        String output = Files.readString(dir.resolve("replay.out"));
        assertEquals(0, status, what + ":\n" + output);
        assertTrue(output.contains("the recorded process was killed or crashed here"), what + ":\n" + output);
        List<JsonNode> replayed = RecordReplayIT.records(dir.resolve("kv.db"));
        assertTrue(replayed.size() <= recorded.size(), what + ": the replay committed more than the recorded run");
        assertEquals(recorded.subList(0, replayed.size()), replayed, what + ": the replayed transactions are not the"
                + " recorded run's, in order");
        assertEquals(requests, replayed.size() - 1, what + ": the replay committed a transaction for each request"
                + " the recording holds (plus the schema record)");
        return replayed.size() - 1;
    }

    /**
     * The number of whole {@code transact} requests received on all streams of a recording, up to where a replay
     * ends: the first event missing from the files, or the accept of a stream whose file is missing or unreadable.
     */
    private static int transactRequestsIn(Path recording) throws Exception {
        Map<Path, MessageParser> parsers = new HashMap<>();
        int requests = 0;
        try (RecordingReader reader = RecordingReader.open(recording)) {
            Set<Long> streamFiles = reader.files().stream().filter(f -> f.kind().equals("stream"))
                    .map(RecordingReader.RecordedFile::openSeq).collect(Collectors.toSet());
            long expected = 0;
            for (RecordedEvent event = reader.next(); event != null; event = reader.next()) {
                if (event.seq() != expected++ || (event.type() == RecordType.ACCEPT_OK
                        && !streamFiles.contains(event.seq()))) {
                    break;
                }
                if (event.type() == RecordType.RECV_DATA) {
                    MessageParser parser = parsers.computeIfAbsent(event.file(), f -> new MessageParser(1 << 24));
                    parser.feed(event.payload(), 0, event.payload().length);
                    for (JsonNode message = parser.next(); message != null; message = parser.next()) {
                        if ("transact".equals(message.path("method").asText())) {
                            requests++;
                        }
                    }
                }
            }
        }
        return requests;
    }
}
