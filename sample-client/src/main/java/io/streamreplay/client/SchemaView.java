package io.streamreplay.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the client needs from a {@code get_schema} reply: table names, column names, and which columns hold exactly
 * one atom (printed bare rather than as a set).
 */
final class SchemaView {

    private final String db;
    private final JsonNode tables;

    SchemaView(JsonNode schema) {
        this.db = schema.path("name").asText();
        this.tables = schema.path("tables");
    }

    /**
     * The tables a command names: {@code table} if not null, else all of them.
     *
     * @throws ClientException if {@code table} is not in the schema
     */
    List<String> tables(String table) throws ClientException {
        if (table == null) {
            return tables();
        }
        if (!hasTable(table)) {
            throw new ClientException(ClientException.BAD_INPUT, db + " has no table named " + table);
        }
        return List.of(table);
    }

    /** Table names, sorted. */
    List<String> tables() {
        List<String> names = new ArrayList<>();
        tables.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    boolean hasTable(String table) {
        return tables.has(table);
    }

    /** The table's own columns (not {@code _uuid}, {@code _version}), sorted. */
    List<String> columns(String table) {
        List<String> names = new ArrayList<>();
        tables.path(table).path("columns").fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    boolean hasColumn(String table, String column) {
        return column.equals("_uuid") || column.equals("_version")
                || tables.path(table).path("columns").has(column);
    }

    /** The column's type as the schema gives it. */
    JsonNode type(String table, String column) {
        return tables.path(table).path("columns").path(column).path("type");
    }

    /** Whether a column holds exactly one atom; {@code _uuid} and {@code _version} do. */
    boolean isScalar(String table, String column) {
        if (column.startsWith("_")) {
            return true;
        }
        JsonNode type = type(table, column);
        if (type.isTextual()) {
            return true;
        }
        return !type.has("value") && type.path("min").asInt(1) == 1 && type.path("max").asInt(1) == 1
                && !type.path("max").isTextual();
    }
}
