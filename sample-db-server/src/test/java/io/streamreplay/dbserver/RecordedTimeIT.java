package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.Jdb;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.LogLines;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time is a recorded input: a server whose behaviour depends on time (inactivity probes asked for with
 * {@code --inactivity-probe}, reconnect backoff, {@code wait} timeouts) is recorded as one process and replayed as
 * another, from the recording alone; each replay exits 0 with the same database and the same log, timestamps aside,
 * probe and disconnect lines at the same places.
 */
class RecordedTimeIT {

    private static final String WAIT_NEVER = "{\"op\":\"wait\",\"table\":\"kv\",\"where\":[[\"name\",\"==\","
            + "\"never\"]],\"until\":\"!=\",\"rows\":[],\"timeout\":%d}";

    @TempDir
    Path dir;

    private final ExecutorService clients = Executors.newCachedThreadPool();

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    /** What a scenario does to the recorded server; it may stop the server itself. */
    private interface Scenario {
        void run(ServerProcess server) throws Exception;
    }

    @Test
    void aSilentClientIsProbedAndDroppedWhileOthersTransact() throws Exception {
        List<String> log = recordAndReplay(List.of("--remote=ptcp:0:127.0.0.1", "--inactivity-probe=200"),
                server -> {
                    int port = port(server);
                    try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        silent.setSoTimeout(20_000);
                        Future<Integer> a = clients.submit(() -> insert("tcp:127.0.0.1:" + port, "a", 40));
                        Future<Integer> b = clients.submit(() -> insert("tcp:127.0.0.1:" + port, "b", 40));
                        String received = new String(silent.getInputStream().readAllBytes(),
                                StandardCharsets.UTF_8);
                        assertTrue(received.contains("\"method\":\"echo\""), "probed before being dropped: "
                                + received);
                        assertEquals(80, a.get() + b.get());
                    }
                });
        assertEquals(1, count(log, "no response to inactivity probe after 0.2"), log
                .toString());
    }

    @Test
    void aClientThatAnswersProbesLateButInTimeStays() throws Exception {
        List<String> log = recordAndReplay(List.of("--remote=ptcp:0:127.0.0.1", "--inactivity-probe=500"),
                server -> {
                    try (Socket late = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
                        late.setSoTimeout(20_000);
                        MappingIterator<JsonNode> messages = new ObjectMapper().readerFor(JsonNode.class)
                                .readValues(late.getInputStream());
                        OutputStream out = late.getOutputStream();
                        for (int probe = 0; probe < 2; probe++) {
                            JsonNode echo = messages.next();
                            assertEquals("echo", echo.get("method").asText(), echo.toString());
                            // Half the interval late: the server must wait the whole interval for the answer.
                            Thread.sleep(250);
                            out.write(Message.reply(echo.get("params"), echo.get("id")).toJson().toString()
                                    .getBytes(StandardCharsets.UTF_8));
                            out.flush();
                        }
                    }
                });
        assertEquals(0, count(log, "inactivity probe"), log.toString());
        assertTrue(count(log, "connection closed by peer") >= 1, log.toString());
    }

    @Test
    void anActiveRemoteReconnectsWithBackoffToAListenerThatComesAndGoesAndIsProbed() throws Exception {
        ServerSocket listener = listen(0);
        int port = listener.getLocalPort();
        List<String> log = recordAndReplay(List.of("--remote=tcp:127.0.0.1:" + port, "--inactivity-probe=300"),
                server -> {
                    serveOneTransaction(listener, "first", false);
                    awaitCount(server, "connection attempt failed", 2);
                    try (ServerSocket again = listen(port)) {
                        serveOneTransaction(again, "second", true);
                    }
                    awaitCount(server, "connection attempt failed", 3);
                });
        assertTrue(count(log, "tcp:127.0.0.1:" + port + ": connected") >= 2, log.toString());
        assertTrue(count(log, "connection attempt failed") >= 3, log.toString());
        assertEquals(1, count(log, "tcp:127.0.0.1:" + port + ": no response to inactivity probe after 0.3"), log
                .toString());
    }

    @Test
    void waitTimeoutsOfOneToThreeMillisecondsReplayExactlyBesideInsertingClients() throws Exception {
        recordAndReplay(List.of("--remote=ptcp:0:127.0.0.1"), server -> {
            String remote = "tcp:127.0.0.1:" + port(server);
            AtomicBoolean waited = new AtomicBoolean();
            AtomicInteger insertedA = new AtomicInteger();
            AtomicInteger insertedB = new AtomicInteger();
            // The inserts go on until the waits are done (at most 5,000 each), whatever the machine's load, and the
            // waits go on until both clients have inserted (at most 5,000 waits).
            Future<?> a = clients.submit(() -> insertUntil(remote, "a", waited, insertedA));
            Future<?> b = clients.submit(() -> insertUntil(remote, "b", waited, insertedB));
            try (OvsdbTestClient waiter = OvsdbTestClient.connect(remote, TlsConfig.none())) {
                for (int i = 0; i < 5000 && (i < 60 || insertedA.get() == 0 || insertedB.get() == 0); i++) {
                    JsonNode result = waiter.call("transact", "kvdb", Json.parse(String.format(WAIT_NEVER, 1 + i
                            % 3)));
                    assertEquals("timed out", result.get(0).get("error").asText(), result.toString());
                }
            } finally {
                waited.set(true);
            }
            a.get();
            b.get();
            assertTrue(insertedA.get() > 0 && insertedB.get() > 0, "both clients inserted while the waits ran");
        });
    }

    /** Inserts rows named {@code prefix} and a number until {@code done}, at most 5,000, counting them. */
    private static Void insertUntil(String remote, String prefix, AtomicBoolean done, AtomicInteger inserted)
            throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect(remote, TlsConfig.none())) {
            for (int j = 0; !done.get() && j < 5000; j++) {
                JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\","
                        + "\"row\":{\"name\":\"" + prefix + j + "\",\"value\":" + j + "}}"));
                assertFalse(result.get(0).has("error"), result.toString());
                inserted.incrementAndGet();
            }
            return null;
        }
    }

    @Test
    void aWaitWithAHugeTimeoutReplaysToTheEndOfARunStoppedBySigterm() throws Exception {
        recordAndReplay(List.of("--remote=ptcp:0:127.0.0.1"), server -> {
            String remote = "tcp:127.0.0.1:" + port(server);
            try (OvsdbTestClient waiter = OvsdbTestClient.connect(remote, TlsConfig.none())) {
                long id = waiter.send("transact", "kvdb", Json.parse(String.format(WAIT_NEVER, 10_000_000_000_000L)));
                assertEquals(5, insert(remote, "a", 5));
                assertFalse(waiter.hasReply(id));
                server.process().destroy();
                assertEquals(143, server.waitFor(30), server.consoleText());
            }
        });
    }

    @Test
    void lockContentionWithTheHolderLeavingReplaysExactly() throws Exception {
        recordAndReplay(List.of("--remote=ptcp:0:127.0.0.1"), server -> {
            String remote = "tcp:127.0.0.1:" + port(server);
            try (OvsdbTestClient second = OvsdbTestClient.connect(remote, TlsConfig.none());
                    OvsdbTestClient third = OvsdbTestClient.connect(remote, TlsConfig.none())) {
                try (OvsdbTestClient holder = OvsdbTestClient.connect(remote, TlsConfig.none())) {
                    assertTrue(holder.call("lock", "L").get("locked").asBoolean());
                    assertFalse(second.call("lock", "L").get("locked").asBoolean());
                    assertFalse(third.call("lock", "L").get("locked").asBoolean());
                    assertEquals(3, insert(remote, "h", 3));
                }
                assertEquals("locked", second.awaitNotifications(1).get(0).method());
                assertEquals(2, insert(remote, "s", 2));
                second.call("unlock", "L");
                assertEquals("locked", third.awaitNotifications(1).get(0).method());
            }
        });
    }

    @Test
    void aReplayHeldByADebuggerLongerThanTheProbeIntervalProbesWhereTheRecordedRunDid() throws Exception {
        List<String> args = record(List.of("--remote=ptcp:0:127.0.0.1", "--inactivity-probe=200"), server -> {
            int port = port(server);
            try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), port)) {
                silent.setSoTimeout(20_000);
                Future<Integer> inserts = clients.submit(() -> insert("tcp:127.0.0.1:" + port, "a", 40));
                assertTrue(silent.getInputStream().readAllBytes().length > 0, "probed, then dropped");
                assertEquals(40, inserts.get());
            }
        });
        long firstAccept;
        try (RecordingReader reader = RecordingReader.open(dir.resolve("recording"))) {
            RecordedEvent event = reader.next();
            while (event.type() != RecordType.ACCEPT_OK || !event.stream().startsWith("ptcp:")) {
                event = reader.next();
            }
            firstAccept = event.seq();
        }
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (ServerProcess replay = ServerProcess.start(dir, dir.resolve("replay.out"), List.of(
                "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:" + port),
                with(args,
                        "--replay=recording", "--replay-stop-at=" + firstAccept))) {
            replay.awaitLine("stopped at event #" + firstAccept);
            // Five probe intervals of real time pass while the replay is held: no timer may fire for them.
            Thread.sleep(1000);
            try (Jdb jdb = Jdb.attach(port)) {
                jdb.command("stop in io.streamreplay.replay.ReplayStop.resumeRequested", "Set breakpoint");
                jdb.await("Breakpoint hit: \"thread=main\", io.streamreplay.replay.ReplayStop.resumeRequested");
                jdb.command("clear io.streamreplay.replay.ReplayStop.resumeRequested", "Removed");
                jdb.command("set io.streamreplay.replay.ReplayStop.resume = true", "= true");
                jdb.command("cont", "The application exited");
            }
            assertEquals(0, replay.waitFor(30), replay.consoleText());
        }
        List<String> log = replayedTheSame();
        assertEquals(1, count(log, "no response to inactivity probe after 0.2"), log
                .toString());
    }

    @Test
    void aRecordingOfFormatOneStillReplaysAndSaysItHasNoTime() throws Exception {
        // Made by the release before time was recorded: three clients' transactions, then exit.
        String console = replayFixture(Path.of("src/test/resources/recordings/format-1"));
        assertTrue(console.contains("|INFO |Replay|recording: recorded by an earlier version (replay format 1),"
                + " without time: timers fire where the replay infers they did"), console);
    }

    @Test
    void aRecordingOfFormatTwoStillReplays() throws Exception {
        // Made by the release before records were grouped in blocks: the same three transactions, then exit.
        String console = replayFixture(Path.of("src/test/resources/recordings/format-2"));
        assertFalse(console.contains("recorded by an earlier version"), console);
    }

    /**
     * Replays the recording kept in {@code fixture} (its {@code recording} directory, from {@code start.db}) and
     * checks that it leaves the recorded run's database and log ({@code recorded.db}, {@code recorded.log}).
     * Returns the replay's console.
     */
    private String replayFixture(Path fixture) throws Exception {
        try (var files = Files.walk(fixture.resolve("recording"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = dir.resolve("recording").resolve(fixture.resolve("recording").relativize(file)
                        .toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        Files.copy(fixture.resolve("start.db"), dir.resolve("kv.db"));
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), List.of("--replay=recording",
                "--log-file=server.log"), 60);
        String console = Files.readString(dir.resolve("replay.out"));
        assertEquals(0, status, console);
        assertEquals(DatabaseFile.recordsWithoutDates(fixture.resolve("recorded.db")), DatabaseFile
                .recordsWithoutDates(dir.resolve("kv.db")));
        assertEquals(LogLines.withoutTimestamps(fixture.resolve("recorded.log")),
                LogLines.withoutTimestamps(dir.resolve("server.log")));
        return console;
    }

    /**
     * Records the server (with a database, a control socket, a log file and {@code remotes}) while
     * {@code scenario} runs against it, stops it through its control socket unless the scenario stopped it, then
     * replays the recording as another process: the replay must exit 0 and leave the same database and the same
     * log, timestamps aside. Returns the recorded log, timestamps removed.
     */
    private List<String> recordAndReplay(List<String> remotes, Scenario scenario) throws Exception {
        List<String> args = record(remotes, scenario);
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), with(args, "--replay=recording"), 60);
        assertEquals(0, status, Files.readString(dir.resolve("replay.out")));
        return replayedTheSame();
    }

    /**
     * Records the server with {@code remotes} while {@code scenario} runs, then keeps its database and log as
     * {@code recorded.db} and {@code recorded.log} and puts the starting database back for a replay. Returns the
     * command line, without the recording option.
     */
    private List<String> record(List<String> remotes, Scenario scenario) throws Exception {
        Path db = ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        List<String> args = new ArrayList<>(List.of("kv.db", "--control=" + dir.resolve("ctl"),
                "--log-file=server.log"));
        args.addAll(remotes);
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), with(args,
                "--replay-record=recording"))) {
            server.awaitLine("serving");
            scenario.run(server);
            if (server.process().isAlive()) {
                server.requestExit(dir.resolve("ctl"));
                assertEquals(0, server.waitFor(30), server.consoleText());
            }
        }
        Files.move(db, dir.resolve("recorded.db"));
        Files.move(dir.resolve("server.log"), dir.resolve("recorded.log"));
        ServerProcess.restoreDatabase(dir);
        return args;
    }

    /** After a replay: its database and log are the recorded run's. Returns the recorded log, timestamps removed. */
    private List<String> replayedTheSame() throws Exception {
        assertEquals(DatabaseFile.recordsWithoutDates(dir.resolve("recorded.db")), DatabaseFile.recordsWithoutDates(
                dir.resolve("kv.db")), "the replayed database differs from the recorded one");
        List<String> recorded = LogLines.withoutTimestamps(dir.resolve("recorded.log"));
        assertEquals(recorded, LogLines.withoutTimestamps(dir.resolve("server.log")),
                "the replay's log differs from the recorded run's");
        return recorded;
    }

    private static List<String> with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    private static int port(ServerProcess server) throws Exception {
        return Integer.parseInt(server.awaitLine("ptcp:(\\d+):127.0.0.1: listening").group(1));
    }

    /** A listener on the loopback address, on {@code port} (0: any), that may take a port just given up. */
    private static ServerSocket listen(int port) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.setSoTimeout(30_000);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return listener;
    }

    /**
     * Accepts the server's connection and inserts one row named {@code name} over it as a client; then either
     * closes the connection at once or, if {@code silent}, says nothing more until the server's inactivity probe
     * drops it. The listener is closed with it: the server must connect again, with backoff, when it comes back.
     */
    private static void serveOneTransaction(ServerSocket listener, String name, boolean silent) throws Exception {
        try (listener; Socket connection = listener.accept()) {
            connection.setSoTimeout(20_000);
            String request = "{\"id\":1,\"method\":\"transact\",\"params\":[\"kvdb\",{\"op\":\"insert\","
                    + "\"table\":\"kv\",\"row\":{\"name\":\"" + name + "\",\"value\":1}}]}";
            connection.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            MappingIterator<JsonNode> messages = new ObjectMapper().readerFor(JsonNode.class)
                    .readValues(connection.getInputStream());
            JsonNode reply = messages.next();
            assertTrue(reply.get("result").get(0).has("uuid"), reply.toString());
            if (silent) {
                assertEquals("echo", messages.next().get("method").asText(), "probed");
                assertFalse(messages.hasNext(), "then dropped");
            }
        }
    }

    /** Inserts {@code count} rows named {@code prefix} and a number, one transaction each. */
    private static int insert(String remote, String prefix, int count) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect(remote, TlsConfig.none())) {
            for (int j = 0; j < count; j++) {
                JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\","
                        + "\"row\":{\"name\":\"" + prefix + j + "\",\"value\":" + j + "}}"));
                assertFalse(result.get(0).has("error"), result.toString());
            }
            return count;
        }
    }

    /** Waits until the server's console holds {@code text} at least {@code times} times. */
    private static void awaitCount(ServerProcess server, String text, int times) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(List.of(server.consoleText().split("\n")), text) < times) {
            assertTrue(System.nanoTime() < deadline, "fewer than " + times + " lines with '" + text + "':\n"
                    + server.consoleText());
            Thread.sleep(50);
        }
    }

    private static int count(List<String> lines, String text) {
        Pattern pattern = Pattern.compile(Pattern.quote(text));
        int count = 0;
        for (String line : lines) {
            Matcher matcher = pattern.matcher(line);
            while (matcher.find()) {
                count++;
            }
        }
        return count;
    }

}
