package io.streamreplay.dbserver.data;

import java.util.List;
import java.util.UUID;

/**
 * One unique index of a table: the committed row holding each key, where a key is the row's datum in the index's
 * column, or the list of its datums in a multi-column index ({@link Table#indexKey}). It behaves as a
 * {@code HashMap<key, UUID>} did, without an entry object per row: the rows themselves sit in an open-addressing
 * array (about 8 bytes a row instead of 40) and each key is read back from its row.
 *
 * <p>Not thread-safe.
 */
final class UniqueIndex {

    private final int[] columns;
    /** A power of two long, at most half full; null is an empty slot. */
    private Row[] slots = new Row[16];
    private int size;

    /** An index on {@code columns}, column indexes in the index's order. */
    UniqueIndex(int[] columns) {
        this.columns = columns.clone();
    }

    /** The row whose key is {@code key} (a datum, or a list of datums for a multi-column index), or null. */
    Row find(Object key) {
        int mask = slots.length - 1;
        for (int i = home(hash(key)); slots[i] != null; i = (i + 1) & mask) {
            if (matches(slots[i], key)) {
                return slots[i];
            }
        }
        return null;
    }

    /** Makes {@code row} the holder of its key, replacing whichever row held it. */
    void put(Row row) {
        if (2 * (size + 1) > slots.length) {
            Row[] old = slots;
            slots = new Row[2 * old.length];
            for (Row moved : old) {
                if (moved != null) {
                    slots[free(moved)] = moved;
                }
            }
        }
        int mask = slots.length - 1;
        int i = home(hash(row));
        for (; slots[i] != null; i = (i + 1) & mask) {
            if (sameKey(slots[i], row)) {
                slots[i] = row;
                return;
            }
        }
        slots[i] = row;
        size++;
    }

    /** Forgets the key of {@code row} if row {@code row.uuid()} still holds it (another may have taken it over). */
    void remove(Row row) {
        UUID uuid = row.uuid();
        int mask = slots.length - 1;
        int hole = home(hash(row));
        while (slots[hole] != null && !sameKey(slots[hole], row)) {
            hole = (hole + 1) & mask;
        }
        if (slots[hole] == null || !slots[hole].uuid().equals(uuid)) {
            return;
        }
        size--;
        // Backward-shift deletion: move later members of the probe run into the hole, so no tombstones.
        for (int i = (hole + 1) & mask; slots[i] != null; i = (i + 1) & mask) {
            int home = home(hash(slots[i]));
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                slots[hole] = slots[i];
                hole = i;
            }
        }
        slots[hole] = null;
    }

    private int free(Row row) {
        int mask = slots.length - 1;
        int i = home(hash(row));
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private int home(int hash) {
        return (hash * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(slots.length - 1);
    }

    /** The hash of {@code row}'s key: as {@link Datum#hashCode} or {@link List#hashCode} of it would be. */
    private int hash(Row row) {
        if (columns.length == 1) {
            return row.get(columns[0]).hashCode();
        }
        int h = 1;
        for (int column : columns) {
            h = 31 * h + row.get(column).hashCode();
        }
        return h;
    }

    private static int hash(Object key) {
        return key.hashCode();
    }

    private boolean sameKey(Row a, Row b) {
        for (int column : columns) {
            if (!a.get(column).equals(b.get(column))) {
                return false;
            }
        }
        return true;
    }

    private boolean matches(Row row, Object key) {
        if (columns.length == 1) {
            return row.get(columns[0]).equals(key);
        }
        if (!(key instanceof List<?> datums) || datums.size() != columns.length) {
            return false;
        }
        for (int i = 0; i < columns.length; i++) {
            if (!row.get(columns[i]).equals(datums.get(i))) {
                return false;
            }
        }
        return true;
    }
}
