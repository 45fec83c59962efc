package io.streamreplay.dbserver.txn;

import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.Datum;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.RowChange;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.data.UuidSource;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.BaseType;
import io.streamreplay.dbserver.schema.ColumnSchema;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The changes one {@code transact} makes, seen on top of the committed database: reads see earlier writes of the
 * same transaction. {@link #prepare()} runs Open vSwitch's commit-time checks in its order (referential integrity,
 * garbage collection of unreferenced non-root rows, {@code maxRows}, weak reference removal, index uniqueness,
 * fresh {@code _version}s); the last but one is an {@link IndexCheck}.
 *
 * <p>Loop thread only; discard it after a failed commit.
 */
public final class Transaction {

    /** A change in progress: the committed row (null if inserted here) and the current one (null if deleted). */
    static final class Change {
        final Row old;
        Row row;

        Change(Row old, Row row) {
            this.old = old;
            this.row = row;
        }
    }

    private final Database db;
    private final UuidSource uuids;
    private final Map<Table, Map<UUID, Change>> changes = new LinkedHashMap<>();
    private final List<String> comments = new ArrayList<>();
    private boolean durable;

    public Transaction(Database db, UuidSource uuids) {
        this.db = db;
        this.uuids = uuids;
    }

    /** A new UUID for a row or version. */
    public UUID newUuid() {
        return uuids.next();
    }

    /** The row {@code uuid} as this transaction sees it, or null. */
    public Row get(Table table, UUID uuid) {
        Map<UUID, Change> tableChanges = changes.get(table);
        if (tableChanges != null) {
            Change change = tableChanges.get(uuid);
            if (change != null) {
                return change.row;
            }
        }
        return table.get(uuid);
    }

    /** Whether {@code uuid} was deleted from {@code table} by this transaction. */
    public boolean deletedHere(Table table, UUID uuid) {
        Map<UUID, Change> tableChanges = changes.get(table);
        Change change = tableChanges == null ? null : tableChanges.get(uuid);
        return change != null && change.row == null;
    }

    /**
     * The rows matching {@code condition} (every clause), without scanning the table when the condition names a
     * UUID or the key of an index.
     */
    public List<Row> select(Table table, Condition condition) {
        List<Row> matches = new ArrayList<>();
        Map<UUID, Change> tableChanges = changes.getOrDefault(table, Map.of());
        UUID uuid = condition.uuidLookup();
        if (uuid != null) {
            Row row = get(table, uuid);
            if (row != null && condition.matchesAll(row)) {
                matches.add(row);
            }
            return matches;
        }
        int index = condition.usableIndex(table);
        if (index >= 0) {
            UUID candidate = table.findByIndex(index, condition.indexKey(table, index));
            if (candidate != null && !tableChanges.containsKey(candidate)) {
                Row row = table.get(candidate);
                if (condition.matchesAll(row)) {
                    matches.add(row);
                }
            }
        } else {
            for (Row row : table.rows()) {
                if (!tableChanges.containsKey(row.uuid()) && condition.matchesAll(row)) {
                    matches.add(row);
                }
            }
        }
        for (Change change : tableChanges.values()) {
            if (change.row != null && condition.matchesAll(change.row)) {
                matches.add(change.row);
            }
        }
        return matches;
    }

    /** Adds a new row. */
    public void insert(Table table, Row row) {
        changes.computeIfAbsent(table, t -> new LinkedHashMap<>()).put(row.uuid(), new Change(null, row));
    }

    /** Replaces a row this transaction sees by {@code row}, which has the same UUID. */
    public void update(Table table, Row row) {
        change(table, row.uuid()).row = row;
    }

    /** Deletes a row this transaction sees. */
    public void delete(Table table, UUID uuid) {
        change(table, uuid).row = null;
    }

    private Change change(Table table, UUID uuid) {
        return changes.computeIfAbsent(table, t -> new LinkedHashMap<>())
                .computeIfAbsent(uuid, u -> new Change(table.get(u), table.get(u)));
    }

    public void addComment(String comment) {
        comments.add(comment);
    }

    public void requestDurable() {
        durable = true;
    }

    /**
     * Runs the commit-time checks and gives every modified row a fresh {@code _version}; the caller stores the
     * result and then applies it with {@link Database#apply}.
     *
     * @return what changed (per table in order; empty if nothing did), the comments joined by newlines, and whether
     *     a {@code commit} operation asked for {@code durable: true}
     * @throws OvsdbException the first failed check
     */
    public PreparedTransaction prepare() throws OvsdbException {
        dropUnchanged();
        Map<UUID, Integer> refDeltas = checkStrongReferences();
        collectGarbage(refDeltas);
        checkDeletedRowsUnreferenced(refDeltas);
        checkMaxRows();
        removeWeakReferences();
        IndexCheck.check(changes);
        Map<Table, List<RowChange>> result = new LinkedHashMap<>();
        for (Map.Entry<Table, Map<UUID, Change>> entry : changes.entrySet()) {
            List<RowChange> list = new ArrayList<>(entry.getValue().size());
            for (Change change : entry.getValue().values()) {
                Row row = change.row;
                if (row == null && change.old == null) {
                    continue; // inserted, then deleted (by garbage collection) in this transaction
                }
                if (row != null && change.old != null) {
                    row = row.withVersion(uuids.next());
                }
                list.add(new RowChange(change.old, row));
            }
            if (!list.isEmpty()) {
                result.put(entry.getKey(), list);
            }
        }
        return new PreparedTransaction(result, String.join("\n", comments), durable);
    }

    private void dropUnchanged() {
        for (Map<UUID, Change> tableChanges : changes.values()) {
            tableChanges.values().removeIf(change -> change.old == null ? change.row == null
                    : change.row != null && change.row.sameData(change.old));
        }
    }

    /** Counts strong references added and removed per target row; refuses references to rows that do not exist. */
    private Map<UUID, Integer> checkStrongReferences() throws OvsdbException {
        Map<UUID, Integer> deltas = new HashMap<>();
        for (Map.Entry<Table, Map<UUID, Change>> entry : changes.entrySet()) {
            for (Change change : entry.getValue().values()) {
                countReferences(entry.getKey(), change.old, -1, deltas, false);
                countReferences(entry.getKey(), change.row, +1, deltas, true);
            }
        }
        return deltas;
    }

    private void countReferences(Table table, Row row, int delta, Map<UUID, Integer> deltas, boolean check)
            throws OvsdbException {
        if (row == null) {
            return;
        }
        for (ColumnSchema column : table.schema().columns()) {
            BaseType key = column.type().key();
            BaseType value = column.type().value();
            boolean keyRef = key.isStrongRef();
            boolean valueRef = value != null && value.isStrongRef();
            if (!keyRef && !valueRef) {
                continue;
            }
            Datum datum = row.get(column.index());
            for (int i = 0; i < datum.size(); i++) {
                if (keyRef) {
                    countReference(table, row, column, key, (UUID) datum.key(i), delta, deltas, check);
                }
                if (valueRef) {
                    countReference(table, row, column, value, (UUID) datum.value(i), delta, deltas, check);
                }
            }
        }
    }

    private void countReference(Table table, Row row, ColumnSchema column, BaseType type, UUID target, int delta,
            Map<UUID, Integer> deltas, boolean check) throws OvsdbException {
        if (target.equals(row.uuid())) {
            return;
        }
        Table targetTable = db.table(type.refTable());
        if (check && get(targetTable, target) == null) {
            throw new OvsdbException("referential integrity violation", "Table " + table.name() + " column "
                    + column.name() + " row " + row.uuid() + " references nonexistent row " + target + " in table "
                    + targetTable.name() + ".");
        }
        deltas.merge(target, delta, Integer::sum);
    }

    private int references(Table table, UUID uuid, Map<UUID, Integer> deltas) {
        return table.refCount(uuid) + deltas.getOrDefault(uuid, 0);
    }

    /** Deletes rows of non-root tables that this transaction touched and that nothing references any more. */
    private void collectGarbage(Map<UUID, Integer> deltas) throws OvsdbException {
        Deque<Map.Entry<Table, UUID>> candidates = new ArrayDeque<>();
        for (Map.Entry<Table, Map<UUID, Change>> entry : changes.entrySet()) {
            if (!entry.getKey().schema().isRoot()) {
                for (Map.Entry<UUID, Change> change : entry.getValue().entrySet()) {
                    if (change.getValue().row != null) {
                        candidates.add(Map.entry(entry.getKey(), change.getKey()));
                    }
                }
            }
        }
        for (UUID target : deltas.keySet()) {
            if (deltas.get(target) < 0) {
                for (Table table : db.tables()) {
                    if (!table.schema().isRoot() && table.get(target) != null) {
                        candidates.add(Map.entry(table, target));
                    }
                }
            }
        }
        while (!candidates.isEmpty()) {
            Map.Entry<Table, UUID> candidate = candidates.poll();
            Table table = candidate.getKey();
            Row row = get(table, candidate.getValue());
            if (row == null || references(table, row.uuid(), deltas) > 0) {
                continue;
            }
            delete(table, row.uuid());
            Map<UUID, Integer> released = new HashMap<>();
            countReferences(table, row, -1, released, false);
            for (Map.Entry<UUID, Integer> entry : released.entrySet()) {
                deltas.merge(entry.getKey(), entry.getValue(), Integer::sum);
                for (Table target : db.tables()) {
                    if (!target.schema().isRoot() && get(target, entry.getKey()) != null) {
                        candidates.add(Map.entry(target, entry.getKey()));
                    }
                }
            }
        }
    }

    private void checkDeletedRowsUnreferenced(Map<UUID, Integer> deltas) throws OvsdbException {
        for (Map.Entry<Table, Map<UUID, Change>> entry : changes.entrySet()) {
            for (Change change : entry.getValue().values()) {
                if (change.row == null && change.old != null) {
                    int remaining = references(entry.getKey(), change.old.uuid(), deltas);
                    if (remaining > 0) {
                        throw new OvsdbException("referential integrity violation", "cannot delete "
                                + entry.getKey().name() + " row " + change.old.uuid() + " because of " + remaining
                                + " remaining reference(s)");
                    }
                }
            }
        }
    }

    private void checkMaxRows() throws OvsdbException {
        for (Map.Entry<Table, Map<UUID, Change>> entry : changes.entrySet()) {
            Table table = entry.getKey();
            long maxRows = table.schema().maxRows();
            if (maxRows == Long.MAX_VALUE) {
                continue;
            }
            long rows = table.size();
            for (Change change : entry.getValue().values()) {
                rows += (change.old == null ? 1 : 0) - (change.row == null ? 1 : 0);
            }
            if (rows > maxRows) {
                throw new OvsdbException("constraint violation", "transaction causes \"" + table.name()
                        + "\" table to contain " + rows + " rows, greater than the schema-defined limit of "
                        + maxRows + " row(s)");
            }
        }
    }

    /** Drops weak references to rows that do not exist after this transaction, in changed and referring rows. */
    private void removeWeakReferences() throws OvsdbException {
        List<Map.Entry<Table, UUID>> affected = new ArrayList<>();
        for (Map.Entry<Table, Map<UUID, Change>> entry : changes.entrySet()) {
            for (Change change : entry.getValue().values()) {
                if (change.row != null) {
                    affected.add(Map.entry(entry.getKey(), change.row.uuid()));
                } else if (change.old != null) {
                    for (Database.Referrer referrer : db.weakReferrers(change.old.uuid())) {
                        affected.add(Map.entry(referrer.table(), referrer.row()));
                    }
                }
            }
        }
        for (Map.Entry<Table, UUID> entry : affected) {
            Table table = entry.getKey();
            Row row = get(table, entry.getValue());
            if (row == null) {
                continue;
            }
            Row cleaned = row;
            for (ColumnSchema column : table.schema().columns()) {
                cleaned = withoutDanglingWeakReferences(table, cleaned, column);
            }
            if (cleaned != row) {
                update(table, cleaned);
            }
        }
    }

    private Row withoutDanglingWeakReferences(Table table, Row row, ColumnSchema column) throws OvsdbException {
        BaseType key = column.type().key();
        BaseType value = column.type().value();
        boolean keyRef = key.isWeakRef();
        boolean valueRef = value != null && value.isWeakRef();
        if (!keyRef && !valueRef) {
            return row;
        }
        Datum datum = row.get(column.index());
        List<Object> keys = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < datum.size(); i++) {
            boolean dangling = (keyRef && dangling(key, datum.key(i)))
                    || (valueRef && dangling(value, datum.value(i)));
            if (!dangling) {
                keys.add(datum.key(i));
                values.add(datum.isMap() ? datum.value(i) : null);
            }
        }
        if (keys.size() == datum.size()) {
            return row;
        }
        if (keys.size() < column.type().min()) {
            throw new OvsdbException("constraint violation", "Deletion of " + (datum.size() - keys.size())
                    + " weak reference(s) to deleted (or never-existing) rows from column \"" + column.name()
                    + "\" in \"" + table.name() + "\" row " + row.uuid() + " caused this column to become empty,"
                    + " but constraints on this column disallow an empty column.");
        }
        Datum cleaned = Datum.ofUnsorted(keys.toArray(), datum.isMap() ? values.toArray() : null);
        return row.with(column.index(), cleaned);
    }

    private boolean dangling(BaseType type, Object atom) {
        return get(db.table(type.refTable()), (UUID) atom) == null;
    }
}
