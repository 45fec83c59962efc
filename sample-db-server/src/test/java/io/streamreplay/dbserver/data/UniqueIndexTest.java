package io.streamreplay.dbserver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A unique index answers as the {@code HashMap} from key to UUID it replaces, including while a commit moves keys
 * between rows: a put takes a key over from whichever row held it, a remove forgets a key only for its holder.
 */
class UniqueIndexTest {

    private static final int NAME = 2;
    private static final int VALUE = 3;
    private static final Datum[] DEFAULTS = {Datum.EMPTY_SET, Datum.EMPTY_SET, Datum.of(""), Datum.of(0L)};

    private static Row row(long uuid, String name, long value) {
        return Row.create(DEFAULTS, new UUID(0, uuid), new UUID(0, 0)).with(NAME, Datum.of(name))
                .with(VALUE, Datum.of(value));
    }

    @Test
    void aKeyMovesBetweenRowsAsInACommitThatSwapsThem() {
        UniqueIndex index = new UniqueIndex(new int[] {NAME});
        Row a = row(1, "x", 0);
        Row b = row(2, "y", 0);
        index.put(a);
        index.put(b);
        // a: x -> y, then b: y -> x, applied one after the other.
        Row a2 = a.with(NAME, Datum.of("y"));
        index.remove(a);
        index.put(a2);
        assertSame(a2, index.find(Datum.of("y")));
        Row b2 = b.with(NAME, Datum.of("x"));
        index.remove(b);
        index.put(b2);
        assertSame(a2, index.find(Datum.of("y")), "b's removal must not forget the key a took over");
        assertSame(b2, index.find(Datum.of("x")));
        assertNull(index.find(Datum.of("z")));
    }

    @Test
    void aMultiColumnIndexIsLookedUpByAListOfDatums() {
        UniqueIndex index = new UniqueIndex(new int[] {NAME, VALUE});
        Row a = row(1, "x", 1);
        Row b = row(2, "x", 2);
        index.put(a);
        index.put(b);
        assertSame(a, index.find(List.of(Datum.of("x"), Datum.of(1L))));
        assertSame(b, index.find(List.of(Datum.of("x"), Datum.of(2L))));
        assertNull(index.find(List.of(Datum.of("x"), Datum.of(3L))));
        assertNull(index.find(List.of(Datum.of("x"))));
    }

    @Test
    void answersAsAHashMapThroughRandomCommits() {
        for (int[] columns : new int[][] {{NAME}, {NAME, VALUE}}) {
            Random random = new Random(columns.length);
            UniqueIndex index = new UniqueIndex(columns);
            Map<Object, UUID> model = new HashMap<>();
            Map<UUID, Row> committed = new HashMap<>();
            for (int step = 0; step < 100_000; step++) {
                long uuid = random.nextInt(5_000);
                Row old = committed.get(new UUID(0, uuid));
                Row row = random.nextInt(5) == 0 ? null
                        : row(uuid, "n" + random.nextInt(3_000), random.nextInt(2));
                if (old != null) {
                    index.remove(old);
                    model.remove(key(old, columns), old.uuid());
                    committed.remove(old.uuid());
                }
                if (row != null) {
                    index.put(row);
                    model.put(key(row, columns), row.uuid());
                    committed.put(row.uuid(), row);
                }
            }
            List<Object> keys = new ArrayList<>();
            for (int n = 0; n < 3_000; n++) {
                for (long v = 0; v < 2; v++) {
                    Row probe = row(0, "n" + n, v);
                    keys.add(key(probe, columns));
                }
            }
            for (Object key : keys) {
                Row found = index.find(key);
                assertEquals(model.get(key), found == null ? null : found.uuid(), "key " + key);
            }
        }
    }

    private static Object key(Row row, int[] columns) {
        if (columns.length == 1) {
            return row.get(columns[0]);
        }
        List<Datum> key = new ArrayList<>();
        for (int column : columns) {
            key.add(row.get(column));
        }
        return key;
    }
}
