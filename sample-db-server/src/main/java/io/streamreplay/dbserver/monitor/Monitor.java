package io.streamreplay.dbserver.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.Datum;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.RowChange;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.protocol.MemberParser;
import io.streamreplay.dbserver.protocol.MemberParser.Kind;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.protocol.ReplyBudget;
import io.streamreplay.dbserver.protocol.ShashOrder;
import io.streamreplay.dbserver.schema.ColumnSchema;
import io.streamreplay.dbserver.schema.TableSchema;
import io.streamreplay.dbserver.txn.Condition;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.TreeCost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One client's monitor of one database (RFC 7047 §4.1.5 and the Open vSwitch extensions): which tables, columns
 * and kinds of change it wants, under which conditions, and how to encode them: {@code <table-updates>} for
 * {@code monitor}, {@code <table-updates2>} for {@code monitor_cond} and {@code monitor_cond_since}.
 *
 * <p>Several monitor requests for one table may name different columns (naming one twice is refused, as in Open
 * vSwitch); their selections are merged, and a row matches if any request's condition holds.
 *
 * <p>Loop thread only.
 */
public final class Monitor {

    /** The request that created the monitor, which decides the notification method and encoding. */
    public enum Version {
        /** {@code monitor}, notified by {@code update}. */
        V1("update"),
        /** {@code monitor_cond}, notified by {@code update2}. */
        V2("update2"),
        /** {@code monitor_cond_since}, notified by {@code update3}. */
        V3("update3");

        private final String notification;

        Version(String notification) {
            this.notification = notification;
        }

        /** The notification method. */
        public String notification() {
            return notification;
        }
    }

    private static final class TableMonitor {
        final Table table;
        final List<ColumnSchema> columns = new ArrayList<>();
        boolean initial;
        boolean insert;
        boolean delete;
        boolean modify;
        List<Condition> where = new ArrayList<>();

        TableMonitor(Table table) {
            this.table = table;
        }

        boolean matches(Row row) {
            if (where.isEmpty()) {
                return true;
            }
            for (Condition condition : where) {
                if (condition.matchesAny(row)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final JsonNode id;
    private final Version version;
    private final Database db;
    private final Map<Table, TableMonitor> tables;

    private Monitor(JsonNode id, Version version, Database db, Map<Table, TableMonitor> tables) {
        this.id = id;
        this.version = version;
        this.db = db;
        this.tables = tables;
    }

    /**
     * Parses the {@code {table: monitor-request or [monitor-request...]}} object of a monitor request, as Open
     * vSwitch does: tables in its hash order, each request's members checked first, then its columns (none may be
     * named twice for one table), then its condition.
     *
     * @param id the client's monitor id, echoed in every notification
     * @param requests an object (the caller checks, since Open vSwitch does so before it looks for a duplicate id)
     */
    public static Monitor fromJson(JsonNode id, Version version, Database db, JsonNode requests)
            throws OvsdbException {
        Map<Table, TableMonitor> tables = new LinkedHashMap<>();
        for (String name : ShashOrder.of(MemberParser.fieldNames(requests))) {
            Table table = db.table(name);
            if (table == null) {
                throw OvsdbException.syntax(null, "no table named " + name);
            }
            TableMonitor monitor = new TableMonitor(table);
            JsonNode value = requests.get(name);
            if (value.isArray()) {
                for (JsonNode request : value) {
                    addRequest(monitor, request, version);
                }
            } else {
                addRequest(monitor, value, version);
            }
            tables.put(table, monitor);
        }
        return new Monitor(id, version, db, tables);
    }

    private static void addRequest(TableMonitor monitor, JsonNode json, Version version) throws OvsdbException {
        TableSchema schema = monitor.table.schema();
        MemberParser members = MemberParser.of(json, "Parsing table " + schema.name() + " failed: ");
        JsonNode where = version == Version.V1 ? null : members.optional("where", Kind.ARRAY);
        JsonNode columns = members.optional("columns", Kind.ARRAY);
        JsonNode select = members.optional("select", Kind.OBJECT);
        members.finish();
        if (select != null) {
            MemberParser flags = MemberParser.of(select, "Parsing table " + schema.name() + " select failed: ");
            monitor.initial |= flag(flags, "initial");
            monitor.insert |= flag(flags, "insert");
            monitor.delete |= flag(flags, "delete");
            monitor.modify |= flag(flags, "modify");
            flags.finish();
        } else {
            monitor.initial = monitor.insert = monitor.delete = monitor.modify = true;
        }
        if (columns != null) {
            for (JsonNode name : columns) {
                if (!name.isTextual()) {
                    throw OvsdbException.syntax(columns, "array of column names expected");
                }
                ColumnSchema column = schema.column(name.textValue());
                if (column == null) {
                    throw OvsdbException.syntax(columns, name.textValue() + " is not a valid column name");
                }
                addColumn(monitor, column, columns);
            }
        } else {
            for (ColumnSchema column : schema.hashOrder()) {
                if (column.index() != ColumnSchema.UUID_INDEX) {
                    addColumn(monitor, column, null);
                }
            }
        }
        monitor.where.add(where == null ? Condition.ALL : Condition.fromJson(where, schema, null));
    }

    private static void addColumn(TableMonitor monitor, ColumnSchema column, JsonNode columns)
            throws OvsdbException {
        if (monitor.columns.contains(column)) {
            throw OvsdbException.syntax(columns, "column " + column.name() + " mentioned more than once");
        }
        monitor.columns.add(column);
    }

    private static boolean flag(MemberParser select, String name) throws OvsdbException {
        JsonNode value = select.optional(name, Kind.BOOLEAN);
        return value == null || value.booleanValue();
    }

    /** This monitor under another id (for {@code monitor_cond_change}); the two share their state. */
    public Monitor withId(JsonNode newId) {
        return new Monitor(newId, version, db, tables);
    }

    public JsonNode id() {
        return id;
    }

    public Version version() {
        return version;
    }

    public Database database() {
        return db;
    }

    /**
     * The contents of the monitored rows now, for the reply to the monitor request.
     *
     * @param budget what the reply may take; a {@code "resources exhausted"} error once it would take more
     */
    public ObjectNode initial(ReplyBudget budget) throws OvsdbException {
        ObjectNode updates = Json.NODES.objectNode();
        for (TableMonitor monitor : tables.values()) {
            if (!monitor.initial) {
                continue;
            }
            ObjectNode tableUpdates = Json.NODES.objectNode();
            for (Row row : monitor.table.rows()) {
                if (monitor.matches(row)) {
                    long cost = TreeCost.MEMBER + TreeCost.text(36) + 2 * TreeCost.OBJECT + TreeCost.MEMBER
                            + monitor.columns.size() * TreeCost.MEMBER;
                    for (ColumnSchema column : monitor.columns) {
                        cost += row.get(column.index()).jsonCost();
                    }
                    budget.charge(cost);
                    tableUpdates.set(row.uuid().toString(), version == Version.V1
                            ? single("new", allColumns(monitor, row)) : single("initial", nonDefault(monitor, row)));
                }
            }
            if (!tableUpdates.isEmpty()) {
                updates.set(monitor.table.name(), tableUpdates);
            }
        }
        return updates;
    }

    /** What this monitor reports of a committed transaction, or null if nothing. */
    public ObjectNode updates(Map<Table, List<RowChange>> changes) {
        ObjectNode updates = null;
        for (Map.Entry<Table, List<RowChange>> entry : changes.entrySet()) {
            TableMonitor monitor = tables.get(entry.getKey());
            if (monitor == null) {
                continue;
            }
            ObjectNode tableUpdates = null;
            for (RowChange change : entry.getValue()) {
                boolean oldMatches = change.old() != null && monitor.matches(change.old());
                boolean newMatches = change.row() != null && monitor.matches(change.row());
                JsonNode rowUpdate = rowUpdate(monitor, oldMatches ? change.old() : null,
                        newMatches ? change.row() : null);
                if (rowUpdate != null) {
                    if (tableUpdates == null) {
                        tableUpdates = Json.NODES.objectNode();
                    }
                    Row any = change.row() != null ? change.row() : change.old();
                    tableUpdates.set(any.uuid().toString(), rowUpdate);
                }
            }
            if (tableUpdates != null) {
                if (updates == null) {
                    updates = Json.NODES.objectNode();
                }
                updates.set(monitor.table.name(), tableUpdates);
            }
        }
        return updates;
    }

    private JsonNode rowUpdate(TableMonitor monitor, Row old, Row row) {
        if (old == null && row == null) {
            return null;
        }
        if (old == null) {
            if (!monitor.insert) {
                return null;
            }
            return version == Version.V1 ? single("new", allColumns(monitor, row))
                    : single("insert", nonDefault(monitor, row));
        }
        if (row == null) {
            if (!monitor.delete) {
                return null;
            }
            return version == Version.V1 ? single("old", allColumns(monitor, old))
                    : single("delete", NullNode.getInstance());
        }
        if (!monitor.modify) {
            return null;
        }
        ObjectNode changed = Json.NODES.objectNode();
        for (ColumnSchema column : monitor.columns) {
            Datum before = old.get(column.index());
            Datum after = row.get(column.index());
            if (!before.equals(after)) {
                changed.set(column.name(), version == Version.V1 ? before.toJson()
                        : column.type().isComposite() ? before.diff(after).toJson() : after.toJson());
            }
        }
        if (changed.isEmpty()) {
            return null;
        }
        if (version != Version.V1) {
            return single("modify", changed);
        }
        ObjectNode update = Json.NODES.objectNode();
        update.set("new", allColumns(monitor, row));
        update.set("old", changed);
        return update;
    }

    /**
     * Replaces the conditions of the tables named in {@code requests} ({@code {table: [{"where": [...]}]}}), as
     * {@code monitor_cond_change} asks.
     *
     * @return the inserts and deletes of rows that start or stop matching, or null if none
     */
    public ObjectNode changeConditions(JsonNode requests) throws OvsdbException {
        if (!requests.isObject()) {
            throw OvsdbException.syntax(null, "monitor-cond-change-requests must be object");
        }
        Map<TableMonitor, List<Condition>> replacements = new LinkedHashMap<>();
        for (String name : ShashOrder.of(MemberParser.fieldNames(requests))) {
            Table table = db.table(name);
            if (table == null) {
                throw OvsdbException.syntax(null, "no table named " + name);
            }
            TableMonitor monitor = tables.get(table);
            if (monitor == null) {
                throw OvsdbException.syntax(null, "no table named " + name + " in monitor session");
            }
            if (!requests.get(name).isArray()) {
                throw OvsdbException.syntax(null, "table " + name + " no monitor-cond-change JSON array");
            }
            List<Condition> conditions = new ArrayList<>();
            for (JsonNode request : requests.get(name)) {
                MemberParser members = MemberParser.of(request, "Parsing table " + name + " failed: ");
                JsonNode columns = members.optional("columns", Kind.ARRAY);
                JsonNode where = members.optional("where", Kind.ARRAY);
                members.finish();
                if (columns != null) {
                    throw OvsdbException.syntax(request, "changing columns is unsupported");
                }
                conditions.add(where == null ? Condition.ALL : Condition.fromJson(where, table.schema(), null));
            }
            replacements.put(monitor, conditions);
        }
        ObjectNode updates = Json.NODES.objectNode();
        for (Map.Entry<TableMonitor, List<Condition>> entry : replacements.entrySet()) {
            TableMonitor monitor = entry.getKey();
            Set<UUID> before = new HashSet<>();
            for (Row row : monitor.table.rows()) {
                if (monitor.matches(row)) {
                    before.add(row.uuid());
                }
            }
            monitor.where = entry.getValue();
            ObjectNode tableUpdates = Json.NODES.objectNode();
            for (Row row : monitor.table.rows()) {
                boolean matches = monitor.matches(row);
                if (matches && !before.contains(row.uuid())) {
                    tableUpdates.set(row.uuid().toString(), single("insert", nonDefault(monitor, row)));
                } else if (!matches && before.contains(row.uuid())) {
                    tableUpdates.set(row.uuid().toString(), single("delete", NullNode.getInstance()));
                }
            }
            if (!tableUpdates.isEmpty()) {
                updates.set(monitor.table.name(), tableUpdates);
            }
        }
        return updates.isEmpty() ? null : updates;
    }

    private static ObjectNode single(String name, JsonNode value) {
        ObjectNode json = Json.NODES.objectNode();
        json.set(name, value);
        return json;
    }

    private static ObjectNode allColumns(TableMonitor monitor, Row row) {
        ObjectNode json = Json.NODES.objectNode();
        for (ColumnSchema column : monitor.columns) {
            json.set(column.name(), row.get(column.index()).toJson());
        }
        return json;
    }

    private static ObjectNode nonDefault(TableMonitor monitor, Row row) {
        ObjectNode json = Json.NODES.objectNode();
        Datum[] defaults = monitor.table.defaults();
        for (ColumnSchema column : monitor.columns) {
            Datum value = row.get(column.index());
            if (!value.equals(defaults[column.index()])) {
                json.set(column.name(), value.toJson());
            }
        }
        return json;
    }
}
