package io.streamreplay.poll;

/** The real clock of the machine. Thread-safe. */
public final class SystemClock implements Clock {

    /** The single instance; the class has no state. */
    public static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long wallMillis() {
        return System.currentTimeMillis();
    }
}
