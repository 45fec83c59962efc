package io.streamreplay.dbserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.Datum;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.ColumnSchema;
import io.streamreplay.dbserver.txn.Transaction;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a backup does with the {@code <table-updates>} of the active server's monitor (RFC 7047, {@code update}
 * and the monitor reply), as ovsdb-server's replication does: turn them into the changes of one transaction, with
 * its errors ({@code "unknown table"}, {@code "Not a JSON object"}, a syntax error for a row named by something
 * other than a UUID or a column the backup does not have).
 *
 * <p>Stateless.
 */
final class TableUpdates {

    private TableUpdates() {
    }

    /**
     * Applies {@code <table-updates>} (monitor version 1) to {@code txn}: a row without {@code old} is inserted
     * (or replaced, if the backup has it), one without {@code new} deleted, any other replaced by {@code new}. With
     * {@code replaceAllBut} (the excluded tables), the updates are the whole contents: every other row of every other
     * table is deleted. As in ovsdb-server, a row missing where it should be is passed over.
     */
    static void apply(Transaction txn, Database db, JsonNode tableUpdates, ExcludedTables replaceAllBut)
            throws OvsdbException {
        if (!tableUpdates.isObject()) {
            return;
        }
        Map<Table, Map<UUID, JsonNode>> rows = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tableUpdates.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            Table table = db.table(entry.getKey());
            if (table == null) {
                throw new OvsdbException("unknown table", "unknown table " + entry.getKey());
            }
            if (!entry.getValue().isObject()) {
                throw new OvsdbException("Not a JSON object", "<table-update> for table is not object");
            }
            Map<UUID, JsonNode> tableRows = rows.computeIfAbsent(table, t -> new LinkedHashMap<>());
            for (Iterator<Map.Entry<String, JsonNode>> updates = entry.getValue().fields(); updates.hasNext();) {
                Map.Entry<String, JsonNode> update = updates.next();
                if (!update.getValue().isObject()) {
                    throw new OvsdbException("Not a JSON object", "<row-update> is not object");
                }
                UUID uuid = parseUuid(update.getKey());
                if (uuid == null) {
                    throw OvsdbException.syntax(entry.getValue(), "<table-update> names must be UUIDs");
                }
                tableRows.put(uuid, update.getValue());
            }
        }
        if (replaceAllBut != null) {
            for (Table table : db.tables()) {
                if (replaceAllBut.contains(db.name(), table.name())) {
                    continue;
                }
                Map<UUID, JsonNode> updates = rows.getOrDefault(table, Map.of());
                List<UUID> gone = new ArrayList<>();
                for (Row row : table.rows()) {
                    if (!updates.containsKey(row.uuid())) {
                        gone.add(row.uuid());
                    }
                }
                gone.forEach(uuid -> txn.delete(table, uuid));
            }
        }
        for (Map.Entry<Table, Map<UUID, JsonNode>> entry : rows.entrySet()) {
            Table table = entry.getKey();
            for (Map.Entry<UUID, JsonNode> update : entry.getValue().entrySet()) {
                UUID uuid = update.getKey();
                JsonNode newRow = update.getValue().get("new");
                Row current = txn.get(table, uuid);
                if (newRow == null) {
                    if (current != null) {
                        txn.delete(table, uuid);
                    }
                } else if (current == null) {
                    txn.insert(table, row(table, table.newRow(uuid, txn.newUuid()), newRow));
                } else if (replaceAllBut != null) {
                    // Replaced, not merged: a column the active does not serve goes back to its default, as
                    // ovsdb-server's backup, which empties the tables and inserts the rows again, leaves it.
                    txn.update(table, row(table, table.newRow(uuid, txn.newUuid()), newRow));
                } else {
                    txn.update(table, row(table, current, newRow));
                }
            }
        }
    }

    /**
     * {@code base} with the columns {@code json} gives; columns the backup does not have are refused. The active's
     * {@code _version} is passed over: the backup makes its own, as ovsdb-server's backup does.
     */
    private static Row row(Table table, Row base, JsonNode json) throws OvsdbException {
        if (!json.isObject()) {
            throw new OvsdbException("Not a JSON object", "<row> is not object");
        }
        Row row = base;
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> member = it.next();
            ColumnSchema column = table.schema().column(member.getKey());
            if (column != null && column.isImplicit()) {
                continue;
            }
            if (column == null) {
                throw OvsdbException.syntax(json, "No column " + member.getKey() + " in table " + table.name()
                        + ".");
            }
            row = row.with(column.index(), Datum.fromJson(member.getValue(), column.type(), null));
        }
        return row;
    }

    /** {@code text} as a UUID, or null if it is not one in the 36-character form. */
    static UUID parseUuid(String text) {
        if (text.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
