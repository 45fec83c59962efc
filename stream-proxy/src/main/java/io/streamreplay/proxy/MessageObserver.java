package io.streamreplay.proxy;

/**
 * Watches the bytes one connection forwards and counts the protocol's messages on a {@link Meter}. It only looks:
 * what it makes of the bytes never changes what is forwarded, and bytes it cannot make sense of are still
 * forwarded as they are. Loop thread only.
 */
interface MessageObserver {

    /**
     * Sees {@code length} bytes of {@code bytes} from {@code offset} that were just received in {@code direction},
     * at {@code now} on the loop's clock (nanoseconds).
     */
    void observe(Direction direction, byte[] bytes, int offset, int length, long now);

    /** An observer that counts nothing (protocol {@code raw}). */
    MessageObserver NONE = (direction, bytes, offset, length, now) -> {};
}
