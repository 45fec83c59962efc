package io.streamreplay.dbserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.protocol.MemberParser;
import io.streamreplay.dbserver.protocol.MemberParser.Kind;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.protocol.ShashOrder;
import io.streamreplay.jsonrpc.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One table of a schema: its columns (the implicit {@code _uuid} and {@code _version} first), {@code maxRows},
 * whether it is a root table, and its unique indexes.
 *
 * <p>Immutable once its database schema is built.
 */
public final class TableSchema {

    private final String name;
    private final Map<String, ColumnSchema> columns;
    private final List<ColumnSchema> byIndex;
    private final long maxRows;
    private final Boolean isRootJson;
    private final List<List<ColumnSchema>> indexes;
    private List<ColumnSchema> hashOrder;
    private boolean root;

    private TableSchema(String name, Map<String, ColumnSchema> columns, long maxRows, Boolean isRootJson,
            List<List<ColumnSchema>> indexes) {
        this.name = name;
        this.columns = columns;
        this.byIndex = List.copyOf(columns.values());
        this.maxRows = maxRows;
        this.isRootJson = isRootJson;
        this.root = isRootJson != null && isRootJson;
        this.indexes = indexes;
    }

    static TableSchema fromJson(String name, JsonNode json) throws OvsdbException {
        MemberParser members = MemberParser.of(json);
        JsonNode columnsJson = members.required("columns", Kind.OBJECT);
        JsonNode maxRowsJson = members.optional("maxRows", Kind.INTEGER);
        JsonNode isRootJson = members.optional("isRoot", Kind.BOOLEAN);
        JsonNode indexesJson = members.optional("indexes", Kind.ARRAY);
        members.finish();
        if (columnsJson.isEmpty()) {
            throw OvsdbException.syntax(json, "table must have at least one column");
        }
        Map<String, ColumnSchema> columns = new LinkedHashMap<>();
        columns.put("_uuid", new ColumnSchema("_uuid", ColumnSchema.UUID_INDEX, ColumnType.scalar(AtomicType.UUID),
                false, false));
        columns.put("_version", new ColumnSchema("_version", ColumnSchema.VERSION_INDEX,
                ColumnType.scalar(AtomicType.UUID), false, true));
        for (Iterator<Map.Entry<String, JsonNode>> it = columnsJson.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            String columnName = entry.getKey();
            checkName(columnsJson, columnName);
            try {
                columns.put(columnName, ColumnSchema.fromJson(columnName, columns.size(), entry.getValue()));
            } catch (OvsdbException e) {
                throw e.withPrefix("column " + columnName + " in table " + name + ": ");
            }
        }
        long maxRows = Long.MAX_VALUE;
        if (maxRowsJson != null) {
            maxRows = maxRowsJson.asLong();
            if (maxRows < 1) {
                throw OvsdbException.syntax(json, "maxRows must be at least 1");
            }
        }
        List<List<ColumnSchema>> indexes = new ArrayList<>();
        if (indexesJson != null) {
            for (JsonNode indexJson : indexesJson) {
                if (!indexJson.isArray() || indexJson.isEmpty()) {
                    throw OvsdbException.syntax(indexJson, "index must have at least one column");
                }
                List<ColumnSchema> index = new ArrayList<>();
                for (JsonNode columnJson : indexJson) {
                    ColumnSchema column = columnJson.isTextual() ? columns.get(columnJson.asText()) : null;
                    if (column == null) {
                        throw OvsdbException.syntax(indexJson, "table " + name + " index names unknown column "
                                + columnJson);
                    }
                    if (!column.isPersistent()) {
                        throw OvsdbException.syntax(indexJson, "ephemeral columns (such as " + column.name()
                                + ") may not be indexed");
                    }
                    index.add(column);
                }
                indexes.add(List.copyOf(index));
            }
        }
        return new TableSchema(name, Collections.unmodifiableMap(columns), maxRows,
                isRootJson == null ? null : isRootJson.asBoolean(), List.copyOf(indexes));
    }

    static void checkName(JsonNode json, String name) throws OvsdbException {
        if (name.startsWith("_")) {
            throw OvsdbException.syntax(json, "names beginning with \"_\" are reserved");
        }
        if (!MemberParser.isId(name)) {
            throw OvsdbException.syntax(json, "name must be a valid id");
        }
    }

    public String name() {
        return name;
    }

    /** The column named {@code name} (including {@code _uuid} and {@code _version}), or null. */
    public ColumnSchema column(String columnName) {
        return columns.get(columnName);
    }

    /** The column at {@code index} in a row. */
    public ColumnSchema column(int index) {
        return byIndex.get(index);
    }

    /** Every column, implicit ones first, in row order. */
    public Collection<ColumnSchema> columns() {
        return byIndex;
    }

    /**
     * Every column in the order Open vSwitch's table schema iterates them: {@code _uuid} and {@code _version} go in
     * first, then the columns in the hash order of the schema's JSON object, and the whole is iterated in hash order
     * again. Open vSwitch orders the two rows of an index conflict by comparing their columns in this order.
     */
    public List<ColumnSchema> hashOrder() {
        List<ColumnSchema> order = hashOrder;
        if (order == null) {
            List<String> jsonOrder = new ArrayList<>();
            byIndex.stream().filter(column -> !column.isImplicit()).forEach(column -> jsonOrder.add(column.name()));
            List<String> inserted = new ArrayList<>(List.of("_uuid", "_version"));
            inserted.addAll(ShashOrder.of(jsonOrder));
            List<ColumnSchema> columnsInOrder = new ArrayList<>();
            ShashOrder.of(inserted).forEach(name -> columnsInOrder.add(columns.get(name)));
            order = List.copyOf(columnsInOrder);
            hashOrder = order;
        }
        return order;
    }

    /** The number of columns, implicit ones included: the length of a row. */
    public int columnCount() {
        return byIndex.size();
    }

    /** The row limit, {@link Long#MAX_VALUE} if none. */
    public long maxRows() {
        return maxRows;
    }

    /** Whether rows stay without references to them; rows of other tables are garbage-collected. */
    public boolean isRoot() {
        return root;
    }

    void setRoot(boolean value) {
        root = value;
    }

    /** The unique indexes, each a list of columns. */
    public List<List<ColumnSchema>> indexes() {
        return indexes;
    }

    JsonNode toJson(boolean defaultRoot) {
        ObjectNode json = Json.NODES.objectNode();
        ObjectNode columnsJson = json.putObject("columns");
        for (ColumnSchema column : byIndex) {
            if (!column.isImplicit()) {
                columnsJson.set(column.name(), column.toJson());
            }
        }
        if (maxRows != Long.MAX_VALUE) {
            json.put("maxRows", maxRows);
        }
        if (root != defaultRoot) {
            json.put("isRoot", root);
        }
        if (!indexes.isEmpty()) {
            ArrayNode indexesJson = json.putArray("indexes");
            for (List<ColumnSchema> index : indexes) {
                ArrayNode indexJson = indexesJson.addArray();
                index.forEach(column -> indexJson.add(column.name()));
            }
        }
        return json;
    }

    boolean declaredRoot() {
        return isRootJson != null && isRootJson;
    }
}
