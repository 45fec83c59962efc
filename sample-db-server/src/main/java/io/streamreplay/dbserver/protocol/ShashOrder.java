package io.streamreplay.dbserver.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which Open vSwitch's {@code shash} (a string-keyed {@code hmap}) hands back names inserted in a
 * given order: where ovsdb-server's answers follow it (the databases of {@code list_dbs}, the member named first
 * in "Member 'x' and 2 other members are present..."), ours do too. It replicates {@code hash_string} (the
 * portable murmur-style {@code hash_bytes} of {@code lib/hash.c}, not the SSE4.2 one), and {@code hmap}'s bucket
 * lists, growth and rehashing. Stateless.
 */
public final class ShashOrder {

    private ShashOrder() {
    }

    /** {@code names}, inserted in this order into an {@code shash}, in the order it iterates them. */
    public static List<String> of(List<String> names) {
        List<List<String>> buckets = new ArrayList<>();
        buckets.add(new ArrayList<>());
        int mask = 0;
        int n = 0;
        for (String name : names) {
            insert(buckets, mask, name);
            n++;
            if (n / 2 > mask) {
                int grown = mask(n);
                if (grown > mask) {
                    List<List<String>> resized = new ArrayList<>();
                    for (int i = 0; i <= grown; i++) {
                        resized.add(new ArrayList<>());
                    }
                    for (List<String> bucket : buckets) {
                        for (String moved : bucket) {
                            insert(resized, grown, moved);
                        }
                    }
                    buckets = resized;
                    mask = grown;
                }
            }
        }
        List<String> order = new ArrayList<>(names.size());
        buckets.forEach(order::addAll);
        return order;
    }

    /** {@code hmap_insert_fast}: at the head of the name's bucket. */
    private static void insert(List<List<String>> buckets, int mask, String name) {
        buckets.get(hash(name) & mask).add(0, name);
    }

    /** {@code calc_mask}: a power of two minus one, at least 3 once grown. */
    private static int mask(int capacity) {
        int mask = capacity / 2;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        return mask | (mask & 1) << 1;
    }

    /** {@code hash_string(name, 0)} over the name's UTF-8 bytes, read as little-endian words. */
    private static int hash(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int hash = 0;
        int i = 0;
        for (; bytes.length - i >= 4; i += 4) {
            hash = add(hash, word(bytes, i, 4));
        }
        if (i < bytes.length) {
            hash = add(hash, word(bytes, i, bytes.length - i));
        }
        return finish(hash ^ bytes.length);
    }

    private static int word(byte[] bytes, int offset, int length) {
        int word = 0;
        for (int k = 0; k < length; k++) {
            word |= (bytes[offset + k] & 0xff) << (8 * k);
        }
        return word;
    }

    private static int add(int hash, int data) {
        if (data != 0) {
            data *= 0xcc9e2d51;
            data = Integer.rotateLeft(data, 15);
            data *= 0x1b873593;
            hash ^= data;
        }
        return Integer.rotateLeft(hash, 13) * 5 + 0xe6546b64;
    }

    private static int finish(int hash) {
        hash ^= hash >>> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >>> 13;
        hash *= 0xc2b2ae35;
        return hash ^ hash >>> 16;
    }
}
