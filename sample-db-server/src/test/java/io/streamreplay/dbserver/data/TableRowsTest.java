package io.streamreplay.dbserver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A table's rows come back in the order a {@link LinkedHashMap} by UUID would give them, which is the order of
 * monitors' initial replies, {@code select} results and database snapshots.
 */
class TableRowsTest {

    private static final Datum[] DEFAULTS = {Datum.EMPTY_SET, Datum.EMPTY_SET, Datum.of(0L)};
    private static final UUID VERSION = new UUID(0, 0);

    private static Row row(UUID uuid, long value) {
        return Row.create(DEFAULTS, uuid, VERSION).with(2, Datum.of(value));
    }

    @Test
    void aReplacedRowKeepsItsPlaceAndAReinsertedOneGoesLast() {
        TableRows rows = new TableRows();
        UUID a = new UUID(1, 1);
        UUID b = new UUID(2, 2);
        UUID c = new UUID(3, 3);
        rows.put(row(a, 1));
        rows.put(row(b, 1));
        rows.put(row(c, 1));
        Row newA = row(a, 2);
        rows.put(newA);
        assertEquals(List.of(a, b, c), uuids(rows));
        assertSame(newA, rows.get(a));
        rows.remove(b);
        rows.put(row(b, 3));
        assertEquals(List.of(a, c, b), uuids(rows));
        assertEquals(3, rows.size());
        rows.remove(new UUID(9, 9));
        assertEquals(3, rows.size());
    }

    @Test
    void followsALinkedHashMapThroughGrowthHolesAndCompaction() {
        Random random = new Random(20261201);
        TableRows rows = new TableRows();
        Map<UUID, Row> model = new LinkedHashMap<>();
        List<UUID> known = new ArrayList<>();
        for (int step = 0; step < 200_000; step++) {
            int op = random.nextInt(10);
            if (op < 5 || known.isEmpty()) {
                // Some of 64 UUIDs whose hash codes are all 0 or small, to make long probe runs; random ones.
                long bits = random.nextInt(64);
                UUID uuid = random.nextInt(4) == 0 ? new UUID(bits, random.nextBoolean() ? bits : 0)
                        : new UUID(random.nextLong(), random.nextLong());
                known.add(uuid);
                Row row = row(uuid, step);
                rows.put(row);
                model.put(uuid, row);
            } else if (op < 7) {
                UUID uuid = known.get(random.nextInt(known.size()));
                Row row = row(uuid, step);
                rows.put(row);
                model.put(uuid, row);
            } else {
                UUID uuid = known.get(random.nextInt(known.size()));
                rows.remove(uuid);
                model.remove(uuid);
            }
            if (step % 10_000 == 0 || step > 199_000) {
                assertEquals(model.size(), rows.size());
                assertEquals(new ArrayList<>(model.values()), new ArrayList<>(rows), "at step " + step);
            }
        }
        for (UUID uuid : known) {
            assertSame(model.get(uuid), rows.get(uuid));
        }
        for (UUID uuid : new ArrayList<>(model.keySet())) {
            rows.remove(uuid);
        }
        assertEquals(0, rows.size());
        assertFalse(rows.iterator().hasNext());
        assertNull(rows.get(known.get(0)));
    }

    @Test
    void anIteratorFailsOnceRowsAreAddedOrRemoved() {
        TableRows rows = new TableRows();
        rows.put(row(new UUID(1, 1), 1));
        rows.put(row(new UUID(2, 2), 1));
        Iterator<Row> added = rows.iterator();
        added.next();
        rows.put(row(new UUID(3, 3), 1));
        assertThrows(ConcurrentModificationException.class, added::next);
        Iterator<Row> removed = rows.iterator();
        rows.remove(new UUID(1, 1));
        assertThrows(ConcurrentModificationException.class, removed::next);
    }

    private static List<UUID> uuids(TableRows rows) {
        List<UUID> uuids = new ArrayList<>();
        for (Row row : rows) {
            uuids.add(row.uuid());
        }
        return uuids;
    }
}
