package io.streamreplay.stream;

import io.streamreplay.poll.Clock;
import io.streamreplay.poll.PollLoop;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A {@link StreamProvider} that injects network faults ({@link Faults}) into the streams of another: fragmented
 * reads and writes, stalls, resets. For testing that code survives a bad network; put it below a recording provider
 * and the faults are recorded as they happened, so that the replay of a faulty session needs no faults injected.
 *
 * <p>Every stream draws its faults from its own random sequence, seeded from {@link Faults#seed()} and the order in
 * which it was opened, so a single-threaded run can be repeated. Loop thread only, like the streams it wraps.
 */
public final class FaultyStreamProvider implements StreamProvider {

    private final StreamProvider inner;
    private final Faults faults;
    private final Clock clock;
    private long streams;

    /** Wraps {@code inner}'s streams; {@code clock} times the stalls (the loop's clock). */
    public FaultyStreamProvider(StreamProvider inner, Faults faults, Clock clock) {
        this.inner = inner;
        this.faults = faults;
        this.clock = clock;
    }

    @Override
    public Stream open(String name) throws IOException {
        return wrap(inner.open(name));
    }

    @Override
    public PassiveStream listen(String name) throws IOException {
        PassiveStream listener = inner.listen(name);
        return new PassiveStream() {
            @Override
            public String name() {
                return listener.name();
            }

            @Override
            public Stream accept() throws IOException {
                Stream accepted = listener.accept();
                return accepted == null ? null : wrap(accepted);
            }

            @Override
            public void waitAccept(PollLoop loop, String where) {
                listener.waitAccept(loop, where);
            }

            @Override
            public void close() {
                listener.close();
            }
        };
    }

    private Stream wrap(Stream stream) {
        return faults.applies().test(stream.name()) ? new FaultyStream(stream, new Random(faults.seed() + streams++))
                : stream;
    }

    /** One stream with faults. */
    private final class FaultyStream extends ForwardingStream {
        private final Random random;
        private long moved;
        private long stalledUntil = Long.MIN_VALUE;
        private IOException reset;

        FaultyStream(Stream stream, Random random) {
            super(stream);
            this.random = random;
        }

        @Override
        public boolean connect() throws IOException {
            checkReset();
            return delegate().connect();
        }

        @Override
        public int recv(ByteBuffer dst) throws IOException {
            if (stalled()) {
                return 0;
            }
            ByteBuffer window = window(dst);
            int n = delegate().recv(window);
            return account(dst, window, n);
        }

        @Override
        public int send(ByteBuffer src) throws IOException {
            if (stalled()) {
                return 0;
            }
            ByteBuffer window = window(src);
            int n = delegate().send(window);
            return account(src, window, n);
        }

        @Override
        public boolean shutdownSend() throws IOException {
            checkReset();
            return delegate().shutdownSend();
        }

        /** Whether a stall is under way or starts now; a reset that is due is thrown first. */
        private boolean stalled() throws IOException {
            checkReset();
            long now = clock.nanoTime();
            if (now < stalledUntil) {
                return true;
            }
            if (faults.stallChance() > 0 && random.nextDouble() < faults.stallChance()) {
                stalledUntil = now + TimeUnit.MILLISECONDS.toNanos(faults.stallMillis());
                return true;
            }
            return false;
        }

        /** {@code buffer}, or a shorter view of it for a fragmented call. */
        private ByteBuffer window(ByteBuffer buffer) {
            if (faults.partialChance() > 0 && random.nextDouble() < faults.partialChance()
                    && buffer.remaining() > 1) {
                ByteBuffer view = buffer.duplicate();
                view.limit(view.position() + Math.min(buffer.remaining(), 1 + random.nextInt(7)));
                return view;
            }
            return buffer;
        }

        @SuppressWarnings("ReferenceEquality") // whether a shorter view was used, not equal contents
        private int account(ByteBuffer buffer, ByteBuffer window, int n) {
            if (window != buffer && n > 0) {
                buffer.position(buffer.position() + n);
            }
            if (n > 0) {
                moved += n;
            }
            return n;
        }

        private void checkReset() throws IOException {
            if (reset == null && moved >= faults.resetAfterBytes()) {
                reset = new SocketException(delegate().name() + ": connection reset by peer (injected after " + moved
                        + " bytes)");
                delegate().close();
            }
            if (reset != null) {
                throw reset;
            }
        }

        @Override
        public void waitRecv(PollLoop loop, String where) {
            if (!waitForFault(loop, where)) {
                delegate().waitRecv(loop, where);
            }
        }

        @Override
        public void waitSend(PollLoop loop, String where) {
            if (!waitForFault(loop, where)) {
                delegate().waitSend(loop, where);
            }
        }

        /** Registers the wake a due reset or a stall needs; false if neither applies and the stream should wait. */
        private boolean waitForFault(PollLoop loop, String where) {
            if (reset != null || moved >= faults.resetAfterBytes()) {
                loop.wakeImmediately(where);
                return true;
            }
            if (clock.nanoTime() < stalledUntil) {
                loop.waitUntil(stalledUntil, where);
                return true;
            }
            return false;
        }
    }
}
