package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time is an input of a recorded process, so the output commit rule covers what a process does on the clock alone: a
 * reconnection once its backoff has passed, an inactivity probe, a timed-out reply. A peer that saw such an output of
 * a process killed with {@code kill -9} right after it finds, in the replay, the loop iteration that made it, at the
 * time that decided it; an iteration that reads the clock and shows nothing to the world writes nothing out.
 */
class RecordingClockCommitTest {

    private static final String PROGRAM = "timed-process";
    private static final long BACKOFF_MILLIS = 50;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aConnectionMadeOnceItsBackoffPassedIsInTheReplayOfAProcessKilledRightAfter() throws Exception {
        Path dir = tmp.resolve("recording");
        Path socket = tmp.resolve("peer.sock");
        Path killed = tmp.resolve("killed");
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, List.of());
        try (ServerSocketChannel peer = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            peer.bind(UnixDomainSocketAddress.of(socket));
            TimedProcess process = new TimedProcess(recording);
            process.connectAfterBackoff("unix:" + socket);
            SocketChannel connection = peer.accept();
            // The peer has seen the connection; the process is killed now, before its loop blocks again.
            KillSnapshot.files(dir, killed);
            connection.close();
            process.stream.close();
        } finally {
            recording.close();
        }

        ReplayContext replay = ReplayContext.replay(killed, PROGRAM);
        TimedProcess replayed = new TimedProcess(replay);
        ReplayException end = null;
        try {
            replayed.connectAfterBackoff("unix:" + socket);
        } catch (ReplayException e) {
            end = e;
        } finally {
            replay.close();
        }
        assertEquals(1, replayed.decisions.size(), "the replay decides to connect, as the killed process did: "
                + replayed.decisions);
        assertTrue(replayed.decisions.get(0) >= TimeUnit.MILLISECONDS.toNanos(BACKOFF_MILLIS),
                "at a recorded time past the backoff: " + replayed.decisions);
        assertInstanceOf(RecordingExhaustedException.class, end, "and ends there, where the recording ends");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aProbeSentOnInactivityIsInTheReplayOfAProcessKilledRightAfter() throws Exception {
        Path dir = tmp.resolve("recording");
        Path socket = tmp.resolve("s.sock");
        Path killed = tmp.resolve("killed");
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, List.of());
        try {
            TimedProcess process = new TimedProcess(recording);
            PassiveStream listener = process.streams.listen("punix:" + socket);
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(UnixDomainSocketAddress.of(socket));
                process.accept(listener);
                client.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
                process.answer();
                assertEquals("ok", KillSnapshot.received(client, 2));
                process.probeOnInactivity();
                assertEquals("probe", KillSnapshot.received(client, "probe".length()));
                // The peer has its probe; the process is killed now, before its loop blocks again.
                KillSnapshot.files(dir, killed);
            }
            process.stream.close();
            listener.close();
        } finally {
            recording.close();
        }

        ReplayContext replay = ReplayContext.replay(killed, PROGRAM);
        TimedProcess replayed = new TimedProcess(replay);
        ReplayException end = null;
        try {
            PassiveStream listener = replayed.streams.listen("punix:" + socket);
            replayed.accept(listener);
            replayed.answer();
            replayed.probeOnInactivity();
            replayed.loop.block();
        } catch (ReplayException e) {
            end = e;
        } finally {
            replay.close();
        }
        assertEquals(1, replayed.decisions.size(), "the replay decides to probe, as the killed process did: "
                + replayed.decisions);
        assertTrue(replayed.decisions.get(0) >= TimeUnit.MILLISECONDS.toNanos(BACKOFF_MILLIS),
                "at a recorded time past the inactivity interval: " + replayed.decisions);
        assertInstanceOf(RecordingExhaustedException.class, end, "and ends there, where the recording ends");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aWholeRecordingOfAnOutputOnTheClockAloneReplaysItsIterationFromTheTick() throws Exception {
        Path dir = tmp.resolve("recording");
        Path socket = tmp.resolve("peer.sock");
        List<Long> recorded;
        try (ServerSocketChannel peer = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                ReplayContext recording = ReplayContext.record(dir, PROGRAM, List.of())) {
            peer.bind(UnixDomainSocketAddress.of(socket));
            TimedProcess process = new TimedProcess(recording);
            process.connectAfterBackoff("unix:" + socket);
            peer.accept().close();
            process.stream.close();
            recorded = process.decisions;
        }
        List<RecordedEvent> events = new ArrayList<>();
        try (RecordingReader reader = RecordingReader.open(dir)) {
            for (RecordedEvent event = reader.next(); event != null; event = reader.next()) {
                events.add(event);
            }
        }
        int open = events.stream().map(RecordedEvent::type).toList().indexOf(RecordType.OPEN_OK);
        RecordedEvent tick = events.get(open - 1);
        assertEquals(RecordType.TICK, tick.type(), "the iteration's time, written before it connects: " + events);
        assertTrue(tick.startsIteration() && !events.get(open).startsIteration()
                && events.get(open).time() == tick.time(),
                "the connection is opened in the iteration the tick starts: "
                        + events);
        try (ReplayContext replay = ReplayContext.replay(dir, PROGRAM)) {
            TimedProcess replayed = new TimedProcess(replay);
            replayed.connectAfterBackoff("unix:" + socket);
            replayed.stream.close();
            assertEquals(recorded, replayed.decisions, "the replay connects at the recorded time");
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anIterationThatReadsTheClockAndShowsNothingWritesNothingOut() throws Exception {
        Path dir = tmp.resolve("recording");
        try (ReplayContext recording = ReplayContext.record(dir, PROGRAM, List.of())) {
            TimedProcess process = new TimedProcess(recording);
            long deadline = process.loop.deadlineAfterMillis(BACKOFF_MILLIS);
            process.loop.waitUntil(deadline, "timer");
            process.loop.block();
            long[] before = sizes(dir);
            // An iteration on the clock alone that decides to do nothing the world sees.
            assertTrue(process.loop.now() >= deadline, "the timer fired");
            assertEquals(List.of(before[0], before[1]), List.of(sizes(dir)[0], sizes(dir)[1]),
                    "an iteration that reads the clock and shows nothing writes nothing out before it blocks");
        }
    }

    /** A process that acts on its loop's clock: connects once a backoff passed, probes an idle peer. */
    private static final class TimedProcess {

        final PollLoop loop;
        final StreamProvider streams;
        /** The loop's time, in nanoseconds, at which the process decided each output. */
        final List<Long> decisions = new ArrayList<>();
        Stream stream;

        TimedProcess(ReplayContext context) {
            loop = context.newPollLoop();
            streams = context.streams(TransportRegistry.standard(TlsConfig.none()));
        }

        /** Waits out the backoff on the loop's timer, then connects to {@code name} in the iteration it fires. */
        void connectAfterBackoff(String name) throws IOException {
            long deadline = loop.deadlineAfterMillis(BACKOFF_MILLIS);
            while (loop.now() < deadline) {
                loop.waitUntil(deadline, "backoff");
                loop.block();
            }
            decisions.add(loop.now());
            stream = streams.open(name);
        }

        void accept(PassiveStream listener) throws IOException {
            while (stream == null) {
                listener.waitAccept(loop, "client");
                loop.block();
                stream = listener.accept();
            }
        }

        /** Waits for a request and answers it. */
        void answer() throws IOException {
            ByteBuffer request = ByteBuffer.allocate(16);
            while (stream.recv(request) == 0) {
                stream.waitRecv(loop, "request");
                loop.block();
            }
            stream.send(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)));
        }

        /** Sends a probe once the peer was silent for the interval, in the iteration the timer fires. */
        void probeOnInactivity() throws IOException {
            long deadline = loop.deadlineAfterMillis(BACKOFF_MILLIS);
            while (loop.now() < deadline) {
                loop.waitUntil(deadline, "inactivity probe");
                loop.block();
            }
            decisions.add(loop.now());
            stream.send(ByteBuffer.wrap("probe".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    /** The bytes of the recording's files on disk: the time file's and all of them. */
    private static long[] sizes(Path dir) throws IOException {
        long time = Files.exists(ReplayFormat.timeFile(dir)) ? Files.size(ReplayFormat.timeFile(dir)) : -1;
        long all = 0;
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file) && file.getFileName().toString().endsWith(".srr")) {
                    all += Files.size(file);
                }
            }
        }
        return new long[] {time, all};
    }
}
