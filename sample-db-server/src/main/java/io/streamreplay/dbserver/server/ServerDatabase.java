package io.streamreplay.dbserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.Datum;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.RowChange;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.data.UuidSource;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.jsonrpc.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in, read-only {@code _Server} database (schema version 1.2.0, as Open vSwitch serves it): one
 * {@code Database} row per served database, itself included, with the schema as JSON text. Clients such as the C
 * and Python IDLs read it to learn the data schema and that a database is a connected standalone one.
 *
 * <p>Loop thread only.
 */
final class ServerDatabase {

    static final String NAME = "_Server";

    private static final String SCHEMA = "{\"name\":\"_Server\",\"version\":\"1.2.0\",\"cksum\":\"3009684573 744\","
            + "\"tables\":{\"Database\":{\"columns\":{"
            + "\"name\":{\"type\":\"string\"},"
            + "\"model\":{\"type\":{\"key\":{\"type\":\"string\",\"enum\":[\"set\",[\"standalone\",\"clustered\","
            + "\"relay\"]]}}},"
            + "\"connected\":{\"type\":\"boolean\"},"
            + "\"leader\":{\"type\":\"boolean\"},"
            + "\"schema\":{\"type\":{\"key\":{\"type\":\"string\"},\"min\":0,\"max\":1}},"
            + "\"cid\":{\"type\":{\"key\":{\"type\":\"uuid\"},\"min\":0,\"max\":1}},"
            + "\"sid\":{\"type\":{\"key\":{\"type\":\"uuid\"},\"min\":0,\"max\":1}},"
            + "\"index\":{\"type\":{\"key\":{\"type\":\"integer\"},\"min\":0,\"max\":1}}},"
            + "\"isRoot\":true}}}";

    private ServerDatabase() {
    }

    /** The {@code _Server} database describing {@code served} (which should not include it). */
    static Database create(List<DatabaseSchema> served, UuidSource uuids) {
        DatabaseSchema schema;
        try {
            schema = DatabaseSchema.fromJson(Json.parse(SCHEMA));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OvsdbException e) {
            throw new IllegalStateException("the built-in _Server schema is invalid: " + e, e);
        }
        Database db = new Database(schema);
        Table table = db.table("Database");
        List<DatabaseSchema> all = new ArrayList<>(served);
        all.add(schema);
        List<RowChange> rows = new ArrayList<>();
        for (DatabaseSchema described : all) {
            Row row = table.newRow(uuids.next(), uuids.next());
            row = set(row, table, "name", described.name());
            row = set(row, table, "model", "standalone");
            row = set(row, table, "connected", true);
            row = set(row, table, "leader", true);
            row = set(row, table, "schema", Json.toText(sorted(described.toJson())));
            rows.add(new RowChange(null, row));
        }
        db.apply(Map.of(table, rows));
        return db;
    }

    private static Row set(Row row, Table table, String column, Object atom) {
        return row.with(table.schema().column(column).index(), Datum.of(atom));
    }

    /** {@code json} with the members of every object in name order, as Open vSwitch writes this schema text. */
    private static JsonNode sorted(JsonNode json) {
        if (json.isObject()) {
            TreeMap<String, JsonNode> members = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> entry = it.next();
                members.put(entry.getKey(), sorted(entry.getValue()));
            }
            ObjectNode result = Json.NODES.objectNode();
            members.forEach(result::set);
            return result;
        }
        if (json.isArray()) {
            List<JsonNode> elements = new ArrayList<>();
            json.forEach(element -> elements.add(sorted(element)));
            return Json.NODES.arrayNode().addAll(elements);
        }
        return json;
    }
}
