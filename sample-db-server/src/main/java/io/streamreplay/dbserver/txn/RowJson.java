package io.streamreplay.dbserver.txn;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.data.Datum;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.protocol.MemberParser;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.protocol.ShashOrder;
import io.streamreplay.dbserver.schema.ColumnSchema;
import io.streamreplay.dbserver.schema.NamedUuids;
import io.streamreplay.dbserver.schema.TableSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows and columns an operation names in its JSON (RFC 7047 §5.1): a row object's members, read in the order
 * Open vSwitch would report their first problem in; {@code columns} and {@code sort} lists; and a row's projection
 * onto such a list, which {@code select} and {@code wait} compare. Problems are {@link OvsdbException}s with
 * ovsdb-server's error tags and words.
 *
 * <p>Loop thread only, as the {@link Executor} it reads for.
 */
final class RowJson {

    /** Receives the columns of a row object and their values. */
    @FunctionalInterface
    interface RowReader {
        void column(ColumnSchema column, Datum value) throws OvsdbException;
    }

    private final NamedUuids names;

    /** @param names resolves the transaction's {@code named-uuid}s in the values read */
    RowJson(NamedUuids names) {
        this.names = names;
    }

    /**
     * Reads the members of a row object into {@code reader}. On a problem, the one reported is the one Open vSwitch
     * would meet first: it reads a row's members in its hash table's order.
     */
    void readRow(TableSchema table, JsonNode rowJson, RowReader reader) throws OvsdbException {
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = rowJson.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> member = it.next();
                ColumnSchema column = column(table, member.getKey(), rowJson);
                reader.column(column, Datum.fromJson(member.getValue(), column.type(), names));
            }
        } catch (OvsdbException e) {
            for (String name : ShashOrder.of(MemberParser.fieldNames(rowJson))) {
                ColumnSchema column = column(table, name, rowJson);
                Datum.fromJson(rowJson.get(name), column.type(), names);
            }
            throw e;
        }
    }

    /** Column {@code name} of {@code table}, named in the object {@code row}. */
    private static ColumnSchema column(TableSchema table, String name, JsonNode row) throws OvsdbException {
        ColumnSchema column = table.column(name);
        if (column == null) {
            throw new OvsdbException("unknown column", "No column " + name + " in table " + table.name() + ".",
                    row);
        }
        return column;
    }

    /** A {@code columns} or {@code sort} member: distinct column names (all columns if absent). */
    static List<ColumnSchema> columns(TableSchema table, JsonNode json) throws OvsdbException {
        if (json == null) {
            return List.copyOf(table.columns());
        }
        List<ColumnSchema> columns = new ArrayList<>(json.size());
        for (JsonNode name : json) {
            if (!name.isTextual()) {
                throw OvsdbException.syntax(json, "array of distinct column names expected");
            }
            ColumnSchema column = table.column(name.textValue());
            if (column == null) {
                throw OvsdbException.syntax(json, name.textValue() + " is not a valid column name");
            }
            if (columns.contains(column)) {
                throw OvsdbException.syntax(json, "array of distinct column names expected");
            }
            columns.add(column);
        }
        return columns;
    }

    /** {@code row}'s values of {@code columns}, in their order. */
    static List<Datum> project(Row row, List<ColumnSchema> columns) {
        List<Datum> values = new ArrayList<>(columns.size());
        for (ColumnSchema column : columns) {
            values.add(row.get(column.index()));
        }
        return values;
    }

    /** The first row of each distinct projection onto {@code columns}, in order (Open vSwitch's select). */
    static List<Row> distinct(List<Row> rows, List<ColumnSchema> columns) {
        if (rows.size() < 2) {
            return new ArrayList<>(rows);
        }
        Set<List<Datum>> seen = new HashSet<>();
        List<Row> kept = new ArrayList<>(rows.size());
        for (Row row : rows) {
            if (seen.add(project(row, columns))) {
                kept.add(row);
            }
        }
        return kept;
    }
}
