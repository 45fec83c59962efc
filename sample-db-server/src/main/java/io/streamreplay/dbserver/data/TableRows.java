package io.streamreplay.dbserver.data;

import java.util.AbstractCollection;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.UUID;

/**
 * A table's committed rows by UUID, iterated in the order their UUIDs were first inserted (as a
 * {@link java.util.LinkedHashMap} would: replacing a row keeps its place, a deleted and re-inserted one goes last),
 * without an entry object per row. The rows sit in insertion order in one array (a deleted one leaves a hole until
 * the array is compacted); an open-addressing table of positions in that array finds a row by its UUID. About 16
 * bytes per row instead of a linked hash map's 48.
 *
 * <p>Not thread-safe; an iterator fails with {@link ConcurrentModificationException} once the rows change.
 */
final class TableRows extends AbstractCollection<Row> {

    /** Positions in {@link #rows}, plus one; 0 is an empty slot. A power of two long, at most half full. */
    private int[] slots = new int[16];
    /** The rows in insertion order, null where one was deleted; {@link #end} of them are used. */
    private Row[] rows = new Row[8];
    private int end;
    private int size;
    private int modifications;

    /** The row {@code uuid}, or null. */
    Row get(UUID uuid) {
        int slot = slotOf(uuid);
        return slot < 0 ? null : rows[slots[slot] - 1];
    }

    /** Adds {@code row}, or replaces the row of the same UUID in its place. */
    void put(Row row) {
        UUID uuid = row.uuid();
        int slot = slotOf(uuid);
        if (slot >= 0) {
            rows[slots[slot] - 1] = row;
            return;
        }
        modifications++;
        boolean moved = false;
        if (end == rows.length) {
            if (size <= rows.length / 2) {
                compact();
                moved = true;
            } else {
                rows = Arrays.copyOf(rows, rows.length + (rows.length >> 1));
            }
        }
        if (2 * (size + 1) > slots.length) {
            slots = new int[2 * slots.length];
            rehash();
            moved = true;
        }
        if (moved) {
            slot = slotOf(uuid);
        }
        rows[end] = row;
        end++;
        size++;
        slots[-slot - 1] = end;
    }

    /** Removes the row {@code uuid}, if present. */
    void remove(UUID uuid) {
        int slot = slotOf(uuid);
        if (slot < 0) {
            return;
        }
        modifications++;
        rows[slots[slot] - 1] = null;
        size--;
        // Backward-shift deletion: move later members of the probe run into the hole, so no tombstones.
        int mask = slots.length - 1;
        int hole = slot;
        for (int i = (hole + 1) & mask; slots[i] != 0; i = (i + 1) & mask) {
            int home = home(rows[slots[i] - 1].uuid());
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                slots[hole] = slots[i];
                hole = i;
            }
        }
        slots[hole] = 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Iterator<Row> iterator() {
        return new Iterator<>() {
            private final int expected = modifications;
            private int next = skipHoles(0);

            @Override
            public boolean hasNext() {
                return next < end;
            }

            @Override
            public Row next() {
                if (expected != modifications) {
                    throw new ConcurrentModificationException();
                }
                if (next >= end) {
                    throw new NoSuchElementException();
                }
                Row row = rows[next];
                next = skipHoles(next + 1);
                return row;
            }
        };
    }

    private int skipHoles(int from) {
        int i = from;
        while (i < end && rows[i] == null) {
            i++;
        }
        return i;
    }

    private int home(UUID uuid) {
        // Fibonacci hashing spreads UUIDs whose hashCode bits are not random (version 1, hand-made).
        return (uuid.hashCode() * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(slots.length - 1);
    }

    /** The slot holding {@code uuid}, or {@code -(free slot) - 1} where it would go. */
    private int slotOf(UUID uuid) {
        int mask = slots.length - 1;
        for (int i = home(uuid);; i = (i + 1) & mask) {
            int at = slots[i];
            if (at == 0) {
                return -i - 1;
            }
            if (rows[at - 1].uuid().equals(uuid)) {
                return i;
            }
        }
    }

    /** Closes the holes in {@link #rows}, keeping the order. */
    private void compact() {
        int j = 0;
        for (int i = 0; i < end; i++) {
            if (rows[i] != null) {
                rows[j++] = rows[i];
            }
        }
        Arrays.fill(rows, j, end, null);
        end = j;
        Arrays.fill(slots, 0);
        rehash();
    }

    private void rehash() {
        int mask = slots.length - 1;
        for (int p = 0; p < end; p++) {
            if (rows[p] != null) {
                int i = home(rows[p].uuid());
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = p + 1;
            }
        }
    }
}
