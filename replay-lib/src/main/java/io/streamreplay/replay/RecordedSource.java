package io.streamreplay.replay;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Values that must repeat on replay: random ones, above all UUIDs (a database names its rows with them), and
 * observed ones such as clock readings an application prints ({@link #observe}).
 *
 * <p>Live, it draws from a generator seeded from {@link SecureRandom}; recording, it also records each value;
 * replaying, it returns the recorded values in order, and drawing out of order (or more values than recorded) is
 * a {@link ReplayDivergenceException}. Obtain one from {@link ReplayContext#source(String)}. Loop thread only.
 */
public final class RecordedSource {

    private final String name;
    private final SplittableRandom random;
    private final Recording recording;
    private final RecordWriter writer;
    private final Replay replay;
    private final ReplayCursor cursor;

    private RecordedSource(String name, Recording recording, RecordWriter writer, Replay replay,
            ReplayCursor cursor) {
        this.name = name;
        this.random = replay == null ? new SplittableRandom(new SecureRandom().nextLong()) : null;
        this.recording = recording;
        this.writer = writer;
        this.replay = replay;
        this.cursor = cursor;
    }

    static RecordedSource live(String name) {
        return new RecordedSource(name, null, null, null, null);
    }

    static RecordedSource recording(String name, Recording recording) {
        return new RecordedSource(name, recording, recording.createFile(FileKind.SOURCE, 0, name), null, null);
    }

    static RecordedSource replaying(String name, Replay replay) {
        return new RecordedSource(name, null, null, replay, replay.openSource(name));
    }

    /** The source's name, unique within the process. */
    public String name() {
        return name;
    }

    /** A random (version 4) UUID. */
    public UUID nextUuid() {
        ByteBuffer value = next(16);
        long high = (value.getLong(0) & ~0xF000L) | 0x4000L;
        long low = (value.getLong(8) & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(high, low);
    }

    /** A random long. */
    public long nextLong() {
        return next(8).getLong(0);
    }

    /**
     * A value the live process observes, such as a clock reading for a latency it will print, that its replay must
     * observe again: live it is {@code observed}'s; recording, it is also recorded; replaying, the recorded value.
     */
    public long observe(LongSupplier observed) {
        if (replay != null) {
            return replayed(8).getLong(0);
        }
        ByteBuffer value = ByteBuffer.allocate(8).putLong(0, observed.getAsLong());
        record(value);
        return value.getLong(0);
    }

    private ByteBuffer next(int size) {
        if (replay != null) {
            return replayed(size);
        }
        ByteBuffer value = ByteBuffer.allocate(size);
        for (int i = 0; i < size; i += 8) {
            value.putLong(i, random.nextLong());
        }
        record(value);
        return value;
    }

    private void record(ByteBuffer value) {
        if (recording != null) {
            recording.record(writer, RecordType.VALUE, value.duplicate());
        }
    }

    private ByteBuffer replayed(int size) {
        replay.failures().check();
        ReplayRecord due = cursor == null ? null : cursor.dueNow();
        if (due == null && !replay.endedCleanly() && replay.nextEventTime() < 0) {
            // The recording holds no further event and did not end cleanly: it ends here (its file may be cut short).
            throw replay.failures().exhausted();
        }
        if (due == null || due.type() != RecordType.VALUE || due.payload().length != size) {
            throw replay.failures().fail("the application draws a value from source '" + name + "' but "
                    + (cursor == null ? "the recording has no such source"
                            : cursor.head() == null ? "all its recorded values are used"
                            : "its next recorded value is event #" + cursor.head().seq()));
        }
        cursor.consume();
        return ByteBuffer.wrap(due.payload());
    }
}
