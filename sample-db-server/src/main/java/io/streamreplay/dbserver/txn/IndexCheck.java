package io.streamreplay.dbserver.txn;

import io.streamreplay.dbserver.data.Datum;
import io.streamreplay.dbserver.data.DatumText;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.ColumnSchema;
import io.streamreplay.dbserver.txn.Transaction.Change;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The last commit-time check of a {@link Transaction}: no two rows of a table share the key of one of its unique
 * indexes, checked row by row and index by index in Open vSwitch's order, so that the conflict reported, and its
 * {@code "constraint violation"} text (rows described in Open vSwitch's words), are the ones ovsdb-server reports.
 *
 * <p>Stateless; loop thread only, as the transaction.
 */
final class IndexCheck {

    private IndexCheck() {
    }

    /** Refuses two rows with one key in a unique index, row by row and index by index, as Open vSwitch checks. */
    static void check(Map<Table, Map<UUID, Change>> changes) throws OvsdbException {
        for (Map.Entry<Table, Map<UUID, Change>> entry : changes.entrySet()) {
            Table table = entry.getKey();
            Map<UUID, Change> tableChanges = entry.getValue();
            List<Map<Object, Change>> seen = new ArrayList<>();
            for (int index = 0; index < table.schema().indexes().size(); index++) {
                seen.add(new HashMap<>());
            }
            for (Change change : tableChanges.values()) {
                if (change.row == null) {
                    continue;
                }
                for (int index = 0; index < seen.size(); index++) {
                    Object key = table.indexKey(index, change.row);
                    Change other = seen.get(index).get(key);
                    if (other == null) {
                        UUID committed = table.findByIndex(index, key);
                        if (committed != null && !tableChanges.containsKey(committed)) {
                            other = new Change(table.get(committed), table.get(committed));
                        }
                    }
                    if (other != null) {
                        throw duplicateKey(table, index, other, change);
                    }
                    seen.get(index).put(key, change);
                }
            }
        }
    }

    /**
     * Open vSwitch's words for an index conflict: the key, the index's columns, and for each row (the one with the
     * greater first, in Open vSwitch's order of rows) whether this transaction inserted it, changed its key, or left
     * it or its key alone.
     */
    private static OvsdbException duplicateKey(Table table, int index, Change a, Change b) {
        if (compareRows(table, a.row, b.row) < 0) {
            Change swap = a;
            a = b;
            b = swap;
        }
        List<ColumnSchema> columns = table.schema().indexes().get(index);
        List<String> names = new ArrayList<>();
        columns.forEach(column -> names.add("\"" + column.name() + "\""));
        String rows = describe("First", a, columns) + "  " + describe("Second", b, columns);
        return new OvsdbException("constraint violation", "Transaction causes multiple rows in \"" + table.name()
                + "\" table to have identical values (" + indexValues(a.row, columns) + ") for index on column"
                + (columns.size() > 1 ? "s " : " ") + DatumText.englishList(names) + ".  " + rows);
    }

    /** Open vSwitch's order of two rows: column by column, in its hash order of the table's columns. */
    private static int compareRows(Table table, Row a, Row b) {
        for (ColumnSchema column : table.schema().hashOrder()) {
            int c = Datum.compare(a.get(column.index()), b.get(column.index()));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static String describe(String title, Change change, List<ColumnSchema> index) {
        String text = title + " row, with UUID " + change.row.uuid() + ", ";
        if (change.old == change.row) {
            return text + "existed in the database before this transaction and was not modified by the"
                    + " transaction.";
        }
        if (change.old == null) {
            return text + "was inserted by this transaction.";
        }
        if (indexValues(change.old, index).equals(indexValues(change.row, index))) {
            return text + "existed in the database before this transaction, which modified some of the row's columns"
                    + " but not any columns in this index.";
        }
        return text + "had the following index values before the transaction: " + indexValues(change.old, index)
                + ".";
    }

    private static String indexValues(Row row, List<ColumnSchema> columns) {
        List<String> values = new ArrayList<>();
        for (ColumnSchema column : columns) {
            values.add(DatumText.datum(row.get(column.index()), column.type()));
        }
        return DatumText.englishList(values);
    }
}
