package io.streamreplay.client;

import io.streamreplay.client.bench.BenchRuntime;
import io.streamreplay.jsonrpc.JsonRpcConnection;
import io.streamreplay.jsonrpc.Limits;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.poll.SystemClock;
import io.streamreplay.process.Signals;
import io.streamreplay.replay.RecordedSource;
import io.streamreplay.replay.RecordingFailedException;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.replay.ReplayOptions;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one run of a command works with: the replay context its options chose, the poll loop and streams from it,
 * the clock readings it prints (observed through the recording, so that a replay prints the same), and whether the
 * user pressed Ctrl-C.
 *
 * <p>Single-threaded, apart from the interrupt flag, which the signal handler sets.
 */
public final class ClientRuntime implements AutoCloseable, BenchRuntime {

    /** The program name, recorded in and checked against replay manifests. */
    public static final String PROGRAM = "sample-client";

    private final ReplayContext replay;
    private final PollLoop loop;
    private final StreamProvider streams;
    private final RecordedSource clock;
    private final long timeoutMillis;
    private volatile boolean interrupted;

    private ClientRuntime(ReplayContext replay, StreamProvider streams, long timeoutMillis) {
        this.replay = replay;
        this.loop = replay.newPollLoop();
        this.streams = replay.streams(streams);
        this.clock = replay.source("clock");
        this.timeoutMillis = timeoutMillis;
    }

    /** Opens the context the options select (live, recording or replaying) and catches Ctrl-C. */
    public static ClientRuntime open(ClientOptions options, ReplayOptions replayOptions, List<String> commandLine)
            throws ClientException {
        TransportRegistry live = TransportRegistry.standard(options.tls());
        ReplayContext replay;
        try {
            replay = replayOptions.open(PROGRAM, commandLine);
        } catch (IOException e) {
            throw new ClientException(ClientException.FAILED, e.getMessage(), e);
        } catch (RecordingFailedException e) {
            throw new ClientException(e.exitStatus(), e.getMessage(), e);
        }
        ClientRuntime runtime = new ClientRuntime(replay, live, TimeUnit.SECONDS.toMillis(options.timeoutSeconds));
        // Ctrl-C must end monitor and bench cleanly (summary printed, recording closed), not kill the JVM.
        Signals.handle("INT", runtime::interrupt);
        return runtime;
    }

    /** Connects to {@code server}, waiting at most the timeout. */
    public OvsdbClient connect(String server) throws ClientException {
        try {
            return new OvsdbClient(this, new JsonRpcConnection(streams.openBlocking(loop, server, timeoutMillis),
                    Limits.DEFAULT));
        } catch (IOException e) {
            throw new ClientException(ClientException.FAILED, "cannot connect to " + server + ": "
                    + ConnectionFailure.describe(e), e);
        }
    }

    @Override
    public PollLoop loop() {
        return loop;
    }

    /** How long to wait for a reply. */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** A monotonic reading in nanoseconds, for figures the command prints (the same again on replay). */
    @Override
    public long nanoTime() {
        return clock.observe(SystemClock.INSTANCE::nanoTime);
    }

    /** The wall-clock time in milliseconds, for timestamps the command prints (the same again on replay). */
    public long wallMillis() {
        return clock.observe(SystemClock.INSTANCE::wallMillis);
    }

    /** A random value (the same again on replay). */
    public long randomLong() {
        return replay.source("random").nextLong();
    }

    /** Whether the user pressed Ctrl-C. */
    @Override
    public boolean interrupted() {
        return interrupted;
    }

    private void interrupt() {
        interrupted = true;
        loop.wakeup();
    }

    /** Ends the recording cleanly, if recording. */
    @Override
    public void close() {
        loop.close();
        replay.close();
    }

    /** Ends the recording after the command failed on {@code error} (a bug, out of memory): it says crashed. */
    public void closeAfterCrash(Throwable error) {
        replay.closeAfterCrash(error);
        loop.close();
    }
}
