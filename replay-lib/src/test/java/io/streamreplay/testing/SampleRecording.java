package io.streamreplay.testing;

import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.replay.RecordingBounds;
import io.streamreplay.replay.RecordingCompression;
import io.streamreplay.replay.RecordingFailurePolicy;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes a real recording to test tools and readers on: a {@link CounterServer} on a Unix socket under
 * {@code work}, recorded into {@code work/recording}, serving {@code clients} clients that each run a standard
 * session of {@code adds} additions, then told to exit over its control socket.
 */
public final class SampleRecording {

    /** The program name in the manifest. */
    public static final String PROGRAM = "counter-server";

    private final Path dir;
    private final Path socket;
    private final Path control;
    private final List<String> events;
    private final long eventCount;

    private SampleRecording(Path dir, Path socket, Path control, List<String> events, long eventCount) {
        this.dir = dir;
        this.socket = socket;
        this.control = control;
        this.events = events;
        this.eventCount = eventCount;
    }

    /** Records the sessions; returns once the server has exited and the recording is complete. */
    public static SampleRecording make(Path work, int clients, int adds) throws IOException, InterruptedException {
        return make(work, clients, adds, RecordingBounds.NONE);
    }

    /**
     * As {@link #make(Path, int, int)}, recording up to {@code bounds}: the server serves every session and exits
     * as asked whether or not the recording stopped at a bound on the way.
     */
    public static SampleRecording make(Path work, int clients, int adds, RecordingBounds bounds)
            throws IOException, InterruptedException {
        return make(work, clients, adds, bounds, RecordingCompression.NONE);
    }

    /** As {@link #make(Path, int, int, RecordingBounds)}, its blocks stored with {@code compression}. */
    public static SampleRecording make(Path work, int clients, int adds, RecordingBounds bounds,
            RecordingCompression compression) throws IOException, InterruptedException {
        Path dir = work.resolve("recording");
        Path socket = work.resolve("s.sock");
        Path control = work.resolve("s.ctl");
        List<String> remotes = List.of("punix:" + socket);
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, remotes, RecordingFailurePolicy.CONTINUE,
                bounds, compression);
        CounterServer server = new CounterServer(recording, TransportRegistry.standard(TlsConfig.none()), remotes,
                control);
        Thread thread = new Thread(server::runUntilExit, "recorded-counter-server");
        thread.start();
        StreamProvider streams = TransportRegistry.standard(TlsConfig.none());
        for (int i = 0; i < clients; i++) {
            try (CounterClient client = new CounterClient(streams, PollLoop.live(), "unix:" + socket)) {
                client.standardSession(adds);
            }
        }
        try (CounterClient admin = new CounterClient(streams, PollLoop.live(), "unix:" + control)) {
            Message exit = admin.call("exit");
            if (exit.type() != Message.Type.REPLY) {
                throw new IOException("exit failed: " + exit);
            }
        }
        thread.join(30_000);
        recording.close();
        return new SampleRecording(dir, socket, control, server.events(), recording.events());
    }

    /** The recording directory. */
    public Path dir() {
        return dir;
    }

    /** Copies the recording's files into a new directory {@code target}, to damage the copy; returns it. */
    public Path copyTo(Path target) throws IOException {
        Files.createDirectories(target);
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return target;
    }

    /** The listener, {@code punix:...}, as the server was given it. */
    public List<String> remotes() {
        return List.of("punix:" + socket);
    }

    /** The server's control socket. */
    public Path control() {
        return control;
    }

    /** What the recorded server saw ({@link CounterServer#events()}). */
    public List<String> events() {
        return events;
    }

    /** The number of events recorded. */
    public long eventCount() {
        return eventCount;
    }
}
