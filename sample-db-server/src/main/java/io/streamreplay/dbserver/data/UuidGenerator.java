package io.streamreplay.dbserver.data;

import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Random (version 4) UUIDs from a generator seeded once. With the seed taken from the replay library's recorded
 * source, a replayed server makes exactly the UUIDs the recorded one made, at the cost of one recorded event.
 *
 * <p>Not thread-safe.
 */
public final class UuidGenerator implements UuidSource {

    private final SplittableRandom random;

    public UuidGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public UUID next() {
        long high = (random.nextLong() & ~0xf000L) | 0x4000L;
        long low = (random.nextLong() & ~(0xc000L << 48)) | (0x8000L << 48);
        return new UUID(high, low);
    }
}
