package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.Await;
import io.streamreplay.testing.CounterClient;
import io.streamreplay.testing.CounterServer;
import io.streamreplay.testing.SampleRecording;
import io.streamreplay.testing.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Record a server under concurrent load over every transport, then replay it in the same JVM from the recording
 * alone: the application must see the same events and stop at the same point, every time.
 */
class RecordReplayTest {

    private static final String PROGRAM = "counter-server";

    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("try") // the resource is held open for the duration, not used
    void aReplayedServerSeesExactlyTheRecordedEventsAndEndsWhereItEnded() throws Exception {
        Path dir = tmp.resolve("recording");
        Path control = tmp.resolve("control.ctl");
        ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<String> remotes = List.of("ptcp:0:127.0.0.1", "punix:" + tmp.resolve("db.sock"), "pssl:0:127.0.0.1",
                "ptcp:" + taken.getLocalPort() + ":127.0.0.1");

        ReplayContext recording = ReplayContext.record(dir, PROGRAM, remotes);
        CounterServer server = new CounterServer(recording,
                TransportRegistry.standard(TestCertificates.get().server()), remotes, control);
        assertEquals(3, server.listeners().size(), "the taken port fails, the others listen");
        Thread serverThread = new Thread(server::runUntilExit, "recorded-server");
        serverThread.start();

        StreamProvider clients = TransportRegistry.standard(TestCertificates.get().clientPem());
        List<String> targets = server.listeners().stream().map(RecordReplayTest::clientName)
                .collect(Collectors.toList());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<List<String>>> sessions = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String target = targets.get(i % targets.size());
            sessions.add(pool.submit(() -> {
                try (CounterClient client = new CounterClient(clients, PollLoop.live(), target)) {
                    return client.standardSession(25);
                }
            }));
        }
        abortMidMessage(Integer.parseInt(server.listeners().get(0).split(":")[1]));
        for (Future<List<String>> session : sessions) {
            List<String> replies = session.get(60, TimeUnit.SECONDS);
            assertTrue(replies.get(replies.size() - 1).contains("\"unknown method\""), replies.toString());
        }
        pool.shutdown();

        try (CounterClient admin = new CounterClient(clients, PollLoop.live(), "unix:" + control)) {
            assertEquals("\"150\\n\"", admin.call("count").result().toString());
            Message exit = admin.call("exit");
            assertEquals(Message.Type.REPLY, exit.type());
        }
        serverThread.join(30_000);
        assertFalse(serverThread.isAlive(), "exit stops the server");
        recording.close();
        List<String> recorded = server.events();
        assertTrue(recorded.contains("exit requested"));
        assertTrue(recorded.stream().anyMatch(e -> e.startsWith("listen failed: ptcp:" + taken.getLocalPort())),
                recorded.toString());
        assertTrue(recorded.stream().anyMatch(e -> e.startsWith("connected ssl:")));
        assertTrue(recorded.stream().anyMatch(e -> e.startsWith("connected unix:")));
        assertTrue(Files.getPosixFilePermissions(dir).equals(Set.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)), "directory is owner-only");
        try (var files = Files.list(dir)) {
            for (Path file : files.collect(Collectors.toList())) {
                assertFalse(Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ), file + "");
            }
        }

        // The recorded TCP port is now taken by someone else: a replay that touched a socket would fail.
        int recordedPort = Integer.parseInt(server.listeners().get(0).split(":")[1]);
        try (ServerSocket squatter = new ServerSocket(recordedPort, 50, InetAddress.getLoopbackAddress())) {
            for (int run = 1; run <= 2; run++) {
                ReplayContext replay = ReplayContext.replay(dir, PROGRAM);
                // No TLS material exists at replay time; none may be needed.
                TlsConfig absent = TlsConfig.pem(tmp.resolve("no.key"), tmp.resolve("no.crt"), tmp.resolve("no.ca"));
                CounterServer replayed = new CounterServer(replay, TransportRegistry.standard(absent), remotes,
                        control);
                replayed.runUntilExit();
                replay.close();
                assertEquals(recorded, replayed.events(), "replay " + run + " reproduces the recorded events");
                assertEquals(server.listeners(), replayed.listeners(), "listeners report the recorded addresses");
                assertEquals(recording.events(), replay.events(), "replay " + run + " consumed every event");
            }
        }
        taken.close();
    }

    /** A client that sends half a request and resets the connection. */
    private static void abortMidMessage(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write("{\"id\":1,\"method\":\"add\",\"par".getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.setSoLinger(true, 0);
        }
    }

    private static String clientName(String listener) {
        String[] parts = listener.split(":");
        return parts[0].equals("punix") ? "unix:" + listener.substring("punix:".length())
                : parts[0].substring(1) + ":127.0.0.1:" + parts[1];
    }

    @Test
    void aServerStoppedWithoutExitReplaysToTheEndOfItsRecordingThenSaysSo() throws Exception {
        Path dir = tmp.resolve("cut");
        Path control = tmp.resolve("c.ctl");
        List<String> remotes = List.of("punix:" + tmp.resolve("s.sock"));
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, remotes);
        CounterServer server = new CounterServer(recording, TransportRegistry.standard(TlsConfig.none()), remotes,
                control);
        Thread serverThread = new Thread(server::runUntilExit, "recorded-server");
        serverThread.start();
        try (CounterClient client = new CounterClient(TransportRegistry.standard(TlsConfig.none()), PollLoop.live(),
                "unix:" + tmp.resolve("s.sock"))) {
            client.standardSession(3);
            client.call("add", 1);
        }
        Await.until(() -> server.events().stream().anyMatch(e -> e.startsWith("disconnected")), 10_000,
                "the server saw the client leave");
        server.stop();
        serverThread.join(10_000);
        recording.close();

        ReplayContext replay = ReplayContext.replay(dir, PROGRAM);
        CounterServer replayed = new CounterServer(replay, TransportRegistry.standard(TlsConfig.none()), remotes,
                control);
        RecordingExhaustedException end = assertThrows(RecordingExhaustedException.class, replayed::runUntilExit);
        assertTrue(end.getMessage().startsWith("end of recording " + dir), end.getMessage());
        assertEquals(RecordingExhaustedException.EXIT_STATUS, end.exitStatus());
        assertEquals(server.events(), replayed.events());
    }

    @Test
    void observedValuesAndRandomValuesRepeatOnReplay() throws Exception {
        Path dir = tmp.resolve("values");
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, List.of());
        RecordedSource clock = recording.source("clock");
        RecordedSource random = recording.source("random");
        long[] recorded = {clock.observe(() -> 1234), random.nextLong(), clock.observe(System::nanoTime)};
        recording.close();

        ReplayContext replay = ReplayContext.replay(dir, PROGRAM);
        RecordedSource replayedClock = replay.source("clock");
        RecordedSource replayedRandom = replay.source("random");
        long[] replayed = {replayedClock.observe(() -> -1), replayedRandom.nextLong(),
                replayedClock.observe(() -> -1)};
        assertEquals(List.of(recorded[0], recorded[1], recorded[2]), List.of(replayed[0], replayed[1], replayed[2]));
        assertEquals(1234, replayed[0]);
        assertThrows(ReplayDivergenceException.class, () -> replayedClock.observe(() -> -1),
                "a value beyond the recording is a divergence");
    }

    @Test
    void aReplayStopsIdleAfterTheEventItWasAskedToStopAtByNumberOrByTimeUntilInterruptedOrResumed() throws Exception {
        SampleRecording sample = SampleRecording.make(tmp.resolve("stop"), 2, 4);
        List<RecordedEvent> events = new ArrayList<>();
        try (RecordingReader reader = RecordingReader.open(sample.dir())) {
            for (RecordedEvent event = reader.next(); event != null; event = reader.next()) {
                events.add(event);
            }
        }
        // Recorded time is the time of a loop iteration: a stop by time needs a request in an iteration before the
        // last one, or the whole recording would lie within it.
        long lastTime = events.get(events.size() - 1).time();
        List<RecordedEvent> requests = events.stream().filter(e -> e.type() == RecordType.RECV_DATA
                && new String(e.payload(), StandardCharsets.UTF_8).contains("\"add\"") && e.time() < lastTime)
                .toList();
        RecordedEvent stopEvent = requests.get(Math.min(5, requests.size() - 1));
        // A time offset given in microseconds, rounded up: it takes in the stop event and what shares its microsecond.
        ReplayStopPoint byTime = ReplayStopPoint.parse(String.format(Locale.ROOT, "%.3fms",
                Math.ceil(stopEvent.time() / 1e3) / 1e3));
        for (ReplayStopPoint stop : List.of(ReplayStopPoint.parse(Long.toString(stopEvent.seq())), byTime)) {
            long expected = stop.seq() >= 0 ? stop.seq() + 1
                    : events.stream().filter(e -> e.time() <= stop.timeNanos()).count();
            ReplayContext replay = ReplayContext.replay(sample.dir(), SampleRecording.PROGRAM, sample.remotes(), stop);
            CounterServer replayed = new CounterServer(replay, TransportRegistry.standard(TlsConfig.none()),
                    sample.remotes(), sample.control());
            List<Throwable> ended = new ArrayList<>();
            Thread thread = new Thread(() -> {
                try {
                    replayed.runUntilExit();
                } catch (RuntimeException e) {
                    ended.add(e);
                }
            }, "stopped-replay");
            thread.start();
            // The replay's thread sleeps only while it idles at its stop point.
            Await.until(() -> thread.getState() == Thread.State.TIMED_WAITING, 30_000,
                    stop + ": the loop thread idles");
            assertEquals(expected, replay.events(), stop + ": every event up to the stop, none after");
            List<String> seen = replayed.events();
            assertEquals(sample.events().subList(0, seen.size()), seen, "what the replay saw is the recorded start");
            String request = new String(stopEvent.payload(), StandardCharsets.UTF_8);
            if (stop.seq() >= 0) {
                assertTrue(seen.get(seen.size() - 1).contains(request), stop + ": the last message handled is the"
                        + " request at the stop point: " + seen.get(seen.size() - 1));
            } else {
                // Recorded time is the time of the loop iteration: a stop by time takes in the whole iteration.
                assertTrue(seen.stream().anyMatch(e -> e.contains(request)), stop + ": the request at the stop"
                        + " point was handled");
            }

            if (stop.equals(byTime)) {
                ReplayStop.resume = true;
                thread.join(30_000);
                assertFalse(thread.isAlive(), "a resumed replay runs to its end");
                assertEquals(List.of(), ended);
                assertEquals(sample.events(), replayed.events(), "and sees everything the recorded run saw");
                assertEquals(sample.eventCount(), replay.events());
            } else {
                thread.interrupt();
                thread.join(10_000);
                assertFalse(thread.isAlive(), "interrupting the idle thread ends the replay");
                assertTrue(ended.get(0) instanceof RecordingExhaustedException, ended.toString());
            }
            replay.close();
        }
    }
}
