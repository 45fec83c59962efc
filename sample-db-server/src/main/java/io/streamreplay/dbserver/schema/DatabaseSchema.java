package io.streamreplay.dbserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.protocol.MemberParser;
import io.streamreplay.dbserver.protocol.MemberParser.Kind;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.jsonrpc.Json;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A database schema (RFC 7047 §3.2): name, version, checksum and tables, parsed strictly and written back in Open
 * vSwitch's normalised form (the form {@code ovsdb-tool create} writes and {@code get_schema} returns).
 *
 * <p>Immutable.
 */
public final class DatabaseSchema {

    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");

    private final String name;
    private final String version;
    private final String cksum;
    private final Map<String, TableSchema> tables;

    private DatabaseSchema(String name, String version, String cksum, Map<String, TableSchema> tables) {
        this.name = name;
        this.version = version;
        this.cksum = cksum;
        this.tables = tables;
        // For compatibility with schemas older than isRoot: none declared means all are roots.
        if (tables.values().stream().noneMatch(TableSchema::declaredRoot)) {
            tables.values().forEach(table -> table.setRoot(true));
        }
    }

    /** Parses and checks a schema, including that every {@code refTable} exists. */
    public static DatabaseSchema fromJson(JsonNode json) throws OvsdbException {
        MemberParser members = MemberParser.of(json);
        JsonNode name = members.required("name", Kind.ID);
        JsonNode version = members.optional("version", Kind.STRING);
        JsonNode cksum = members.optional("cksum", Kind.STRING);
        JsonNode tablesJson = members.required("tables", Kind.OBJECT);
        members.finish();
        if (version != null && !VERSION.matcher(version.asText()).matches()) {
            throw OvsdbException.syntax(json, "schema version \"" + version.asText() + "\" not in format x.y.z");
        }
        Map<String, TableSchema> tables = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tablesJson.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            TableSchema.checkName(tablesJson, entry.getKey());
            tables.put(entry.getKey(), TableSchema.fromJson(entry.getKey(), entry.getValue()));
        }
        DatabaseSchema schema = new DatabaseSchema(name.asText(), version == null ? null : version.asText(),
                cksum == null ? null : cksum.asText(), Collections.unmodifiableMap(tables));
        schema.checkReferences();
        return schema;
    }

    private void checkReferences() throws OvsdbException {
        for (TableSchema table : tables.values()) {
            for (ColumnSchema column : table.columns()) {
                for (BaseType base : new BaseType[] {column.type().key(), column.type().value()}) {
                    if (base == null || base.refTable() == null) {
                        continue;
                    }
                    TableSchema target = tables.get(base.refTable());
                    if (target == null) {
                        throw OvsdbException.syntax(null, "column " + column.name() + " in table " + table.name()
                                + " refers to undefined table " + base.refTable());
                    }
                    // A strong reference is what keeps a non-root row alive, so it must survive a restart.
                    if (base.isStrongRef() && !target.isRoot()) {
                        column.forcePersistent();
                    }
                }
            }
        }
    }

    public String name() {
        return name;
    }

    /** Every table, in schema order. */
    public Collection<TableSchema> tables() {
        return tables.values();
    }

    /** The normalised schema JSON. */
    public ObjectNode toJson() {
        ObjectNode json = Json.NODES.objectNode();
        json.put("name", name);
        if (version != null) {
            json.put("version", version);
        }
        if (cksum != null) {
            json.put("cksum", cksum);
        }
        ObjectNode tablesJson = json.putObject("tables");
        // As OVS does, isRoot is written only where it differs from the common case.
        boolean everyTableRoot = tables.values().stream().allMatch(TableSchema::isRoot);
        for (TableSchema table : tables.values()) {
            tablesJson.set(table.name(), table.toJson(everyTableRoot));
        }
        return json;
    }
}
