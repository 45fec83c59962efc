package io.streamreplay.stream;

import java.util.function.Predicate;

/**
 * What a {@link FaultyStreamProvider} does to the streams it applies to: the network faults a TCP chaos proxy
 * injects, inside the framework. Immutable.
 *
 * @param seed the seed of the faults' random choices, so that a run can be repeated
 * @param partialChance the chance that one recv or send moves fewer bytes than it could (1 to 7 bytes)
 * @param stallChance the chance that one recv or send starts a stall, during which the stream moves nothing
 * @param stallMillis how long a stall lasts
 * @param resetAfterBytes the bytes (received and sent) after which the stream fails as if reset by the peer;
 *     {@link Long#MAX_VALUE} for never
 * @param applies which streams, by name, suffer the faults
 */
public record Faults(long seed, double partialChance, double stallChance, long stallMillis, long resetAfterBytes,
        Predicate<String> applies) {

    /** No faults at all. */
    public static Faults none() {
        return new Faults(0, 0, 0, 0, Long.MAX_VALUE, name -> false);
    }

    /** Fragmented reads and writes only: every call moves 1 to 7 bytes. */
    public static Faults fragmenting(long seed) {
        return new Faults(seed, 1.0, 0, 0, Long.MAX_VALUE, name -> true);
    }

    /** The same faults on the streams {@code applies} accepts. */
    public Faults on(Predicate<String> streams) {
        return new Faults(seed, partialChance, stallChance, stallMillis, resetAfterBytes, streams);
    }

    /** The same faults, with stalls of {@code millis} starting at {@code chance} per call. */
    public Faults withStalls(double chance, long millis) {
        return new Faults(seed, partialChance, chance, millis, resetAfterBytes, applies);
    }

    /** The same faults, with every stream reset after {@code bytes} bytes. */
    public Faults withResetAfter(long bytes) {
        return new Faults(seed, partialChance, stallChance, stallMillis, bytes, applies);
    }
}
