package io.streamreplay.dbserver.txn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.MemberParser;
import io.streamreplay.dbserver.MemberParser.Kind;
import io.streamreplay.dbserver.OvsdbException;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.Datum;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.RowChange;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.data.UuidSource;
import io.streamreplay.dbserver.schema.BaseType;
import io.streamreplay.dbserver.schema.ColumnSchema;
import io.streamreplay.dbserver.schema.NamedUuids;
import io.streamreplay.dbserver.schema.TableSchema;
import io.streamreplay.jsonrpc.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Runs the operations of one {@code transact} request (RFC 7047 §5.2) in a {@link Transaction}: every operation
 * yields a result; the first failure stops the rest (their results are {@code null}) and nothing is committed; a
 * failed commit appends its error as an extra result. A {@code wait} that is not yet satisfied and has time left
 * parks the whole request, to be run again after the next commit or when its timeout passes.
 *
 * <p>Loop thread only; one executor per attempt.
 */
public final class Executor {

    /** Stores and applies a prepared transaction; an {@code "I/O error"} leaves the database unchanged. */
    @FunctionalInterface
    public interface Committer {
        void commit(Transaction txn, Map<Table, List<RowChange>> changes) throws OvsdbException;
    }

    /**
     * What a request came to.
     *
     * @param results the reply's result array, or null if the request is parked
     * @param retryMillis for a parked request, how long until its earliest {@code wait} times out
     *     ({@link Long#MAX_VALUE} if never)
     */
    public record Outcome(ArrayNode results, long retryMillis) {
        public boolean parked() {
            return results == null;
        }
    }

    /** A {@code wait} that failed with time left. */
    private static final class Parked extends Exception {
        private static final long serialVersionUID = 1L;
        final long retryMillis;

        Parked(long retryMillis) {
            super(null, null, false, false);
            this.retryMillis = retryMillis;
        }
    }

    private final Database db;
    private final boolean readOnly;
    private final Predicate<String> ownsLock;
    private final long elapsedMillis;
    private final Transaction txn;
    private final Map<String, UUID> symbols = new HashMap<>();
    private final Set<String> definedSymbols = new HashSet<>();
    private final NamedUuids names;

    /**
     * @param readOnly whether write operations are refused (the {@code _Server} database)
     * @param ownsLock whether the requesting session holds a lock, for {@code assert}
     * @param elapsedMillis how long the request has been waiting, for {@code wait} timeouts
     */
    public Executor(Database db, UuidSource uuids, boolean readOnly, Predicate<String> ownsLock, long elapsedMillis) {
        this.db = db;
        this.readOnly = readOnly;
        this.ownsLock = ownsLock;
        this.elapsedMillis = elapsedMillis;
        this.txn = new Transaction(db, uuids);
        this.names = name -> symbols.computeIfAbsent(name, n -> txn.newUuid());
    }

    /**
     * Runs {@code operations} (the request's params after the database name).
     *
     * @param committer called once if every operation succeeded
     */
    public Outcome execute(List<JsonNode> operations, Committer committer) {
        ArrayNode results = Json.array();
        boolean failed = false;
        for (int i = 0; i < operations.size(); i++) {
            if (failed) {
                results.add(NullNode.getInstance());
                continue;
            }
            try {
                results.add(operation(operations.get(i), "Parsing ovsdb operation " + (i + 1) + " of "
                        + operations.size() + " failed: "));
            } catch (OvsdbException e) {
                results.add(e.toJson());
                failed = true;
            } catch (Parked parked) {
                return new Outcome(null, parked.retryMillis);
            }
        }
        if (!failed) {
            try {
                Map<Table, List<RowChange>> changes = txn.prepare();
                committer.commit(txn, changes);
            } catch (OvsdbException e) {
                results.add(e.toJson());
            }
        }
        return new Outcome(results, 0);
    }

    private JsonNode operation(JsonNode json, String prefix) throws OvsdbException, Parked {
        MemberParser members = MemberParser.of(json, prefix);
        String op = members.required("op", Kind.STRING).textValue();
        switch (op) {
            case "insert":
                return insert(members);
            case "select":
                return select(members);
            case "update":
                return update(members);
            case "mutate":
                return mutate(members);
            case "delete":
                return delete(members);
            case "wait":
                return waitFor(members);
            case "commit": {
                boolean durable = members.required("durable", Kind.BOOLEAN).booleanValue();
                members.finish();
                checkWritable(op);
                if (durable) {
                    txn.requestDurable();
                }
                return Json.NODES.objectNode();
            }
            case "abort":
                members.finish();
                throw new OvsdbException("aborted", "aborted by request");
            case "comment":
                txn.addComment(members.required("comment", Kind.STRING).textValue());
                members.finish();
                return Json.NODES.objectNode();
            case "assert": {
                String lock = members.required("lock", Kind.ID).textValue();
                members.finish();
                if (!ownsLock.test(lock)) {
                    throw new OvsdbException("not owner", "Asserted lock " + lock + " not held.");
                }
                return Json.NODES.objectNode();
            }
            default:
                throw members.error("No operation \"" + op + "\"");
        }
    }

    private Table table(MemberParser members) throws OvsdbException {
        String name = members.required("table", Kind.STRING).textValue();
        Table table = db.table(name);
        if (table == null) {
            throw members.error("No table named " + name + ".");
        }
        return table;
    }

    private void checkWritable(String op) throws OvsdbException {
        if (readOnly) {
            throw new OvsdbException("not allowed", op + " operation not allowed on table in reserved database "
                    + db.name());
        }
    }

    private JsonNode insert(MemberParser members) throws OvsdbException {
        Table table = table(members);
        JsonNode rowJson = members.required("row", Kind.OBJECT);
        JsonNode uuidName = members.optional("uuid-name", Kind.ID);
        JsonNode uuidJson = members.optional("uuid", Kind.STRING);
        members.finish();
        checkWritable("insert");
        UUID uuid;
        if (uuidJson != null) {
            if (!BaseType.isUuid(uuidJson.textValue())) {
                throw members.error("bad uuid");
            }
            uuid = UUID.fromString(uuidJson.textValue());
            if (txn.get(table, uuid) != null || txn.deletedHere(table, uuid)) {
                throw new OvsdbException("duplicate uuid", "This UUID would duplicate a UUID already present within"
                        + " the table or deleted within the same transaction.");
            }
        } else {
            uuid = null;
        }
        if (uuidName != null) {
            String name = uuidName.textValue();
            if (!definedSymbols.add(name)) {
                throw new OvsdbException("duplicate uuid-name", "This \"uuid-name\" appeared on an earlier"
                        + " \"insert\" operation.");
            }
            uuid = uuid != null ? uuid : names.resolve(name);
            symbols.put(name, uuid);
        }
        if (uuid == null) {
            uuid = txn.newUuid();
        }
        Row row = table.newRow(uuid, txn.newUuid());
        Set<ColumnSchema> given = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = rowJson.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> member = it.next();
            ColumnSchema column = column(table.schema(), member.getKey());
            if (column.isImplicit()) {
                throw immutable(table, column);
            }
            row = row.with(column.index(), Datum.fromJson(member.getValue(), column.type(), names));
            given.add(column);
        }
        for (ColumnSchema column : table.schema().columns()) {
            if (!column.isImplicit() && !given.contains(column)) {
                row.get(column.index()).checkConstraints(column.type());
            }
        }
        txn.insert(table, row);
        ObjectNode result = Json.NODES.objectNode();
        result.set("uuid", BaseType.atomToJson(uuid));
        return result;
    }

    private JsonNode select(MemberParser members) throws OvsdbException {
        Table table = table(members);
        Condition where = Condition.fromJson(members.required("where", Kind.ARRAY), table.schema(), names);
        List<ColumnSchema> columns = columns(table.schema(), members.optional("columns", Kind.ARRAY));
        members.finish();
        ArrayNode rows = Json.array();
        for (Row row : txn.select(table, where)) {
            ObjectNode rowJson = rows.addObject();
            for (ColumnSchema column : columns) {
                rowJson.set(column.name(), row.get(column.index()).toJson());
            }
        }
        ObjectNode result = Json.NODES.objectNode();
        result.set("rows", rows);
        return result;
    }

    private JsonNode update(MemberParser members) throws OvsdbException {
        Table table = table(members);
        Condition where = Condition.fromJson(members.required("where", Kind.ARRAY), table.schema(), names);
        JsonNode rowJson = members.required("row", Kind.OBJECT);
        members.finish();
        checkWritable("update");
        Map<ColumnSchema, Datum> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = rowJson.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> member = it.next();
            ColumnSchema column = column(table.schema(), member.getKey());
            if (!column.isMutable()) {
                throw immutable(table, column);
            }
            values.put(column, Datum.fromJson(member.getValue(), column.type(), names));
        }
        List<Row> matches = txn.select(table, where);
        for (Row row : matches) {
            Row updated = row;
            for (Map.Entry<ColumnSchema, Datum> value : values.entrySet()) {
                updated = updated.with(value.getKey().index(), value.getValue());
            }
            txn.update(table, updated);
        }
        return count(matches.size());
    }

    private JsonNode mutate(MemberParser members) throws OvsdbException {
        Table table = table(members);
        Condition where = Condition.fromJson(members.required("where", Kind.ARRAY), table.schema(), names);
        JsonNode mutationsJson = members.required("mutations", Kind.ARRAY);
        members.finish();
        checkWritable("mutate");
        List<Mutation> mutations = new ArrayList<>();
        for (JsonNode mutation : mutationsJson) {
            mutations.add(Mutation.fromJson(mutation, table.schema(), names));
        }
        List<Row> matches = txn.select(table, where);
        for (Row row : matches) {
            Row mutated = row;
            for (Mutation mutation : mutations) {
                int index = mutation.column().index();
                mutated = mutated.with(index, mutation.apply(mutated.get(index)));
            }
            txn.update(table, mutated);
        }
        return count(matches.size());
    }

    private JsonNode delete(MemberParser members) throws OvsdbException {
        Table table = table(members);
        Condition where = Condition.fromJson(members.required("where", Kind.ARRAY), table.schema(), names);
        members.finish();
        checkWritable("delete");
        List<Row> matches = txn.select(table, where);
        for (Row row : matches) {
            txn.delete(table, row.uuid());
        }
        return count(matches.size());
    }

    private JsonNode waitFor(MemberParser members) throws OvsdbException, Parked {
        Table table = table(members);
        Condition where = Condition.fromJson(members.required("where", Kind.ARRAY), table.schema(), names);
        List<ColumnSchema> columns = columns(table.schema(), members.optional("columns", Kind.ARRAY));
        String until = members.required("until", Kind.STRING).textValue();
        JsonNode rowsJson = members.required("rows", Kind.ARRAY);
        JsonNode timeoutJson = members.optional("timeout", Kind.INTEGER);
        members.finish();
        if (!until.equals("==") && !until.equals("!=")) {
            throw members.error("\"until\" must be \"==\" or \"!=\"");
        }
        long timeout = timeoutJson == null ? Long.MAX_VALUE : timeoutJson.asLong();
        if (timeout < 0) {
            throw members.error("timeout must be nonnegative");
        }
        Set<List<Datum>> expected = new HashSet<>();
        for (JsonNode rowJson : rowsJson) {
            if (!rowJson.isObject()) {
                throw OvsdbException.syntax(rowJson, "Object expected.");
            }
            Row row = table.newRow(new UUID(0, 0), new UUID(0, 0));
            for (Iterator<Map.Entry<String, JsonNode>> it = rowJson.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> member = it.next();
                ColumnSchema column = column(table.schema(), member.getKey());
                row = row.with(column.index(), Datum.fromJson(member.getValue(), column.type(), names));
            }
            expected.add(project(row, columns));
        }
        List<Row> actual = txn.select(table, where);
        boolean equal = actual.size() == expected.size();
        for (Iterator<Row> it = actual.iterator(); equal && it.hasNext();) {
            equal = expected.contains(project(it.next(), columns));
        }
        if (equal != until.equals("==")) {
            if (elapsedMillis >= timeout) {
                // The timeout rather than the measured wait goes in the text, so that a replay repeats it exactly.
                throw new OvsdbException("timed out", elapsedMillis == 0 ? "\"where\" clause test failed"
                        : "\"wait\" timed out after " + timeout + " ms");
            }
            throw new Parked(timeout == Long.MAX_VALUE ? Long.MAX_VALUE : timeout - elapsedMillis);
        }
        return Json.NODES.objectNode();
    }

    private static List<Datum> project(Row row, List<ColumnSchema> columns) {
        List<Datum> values = new ArrayList<>(columns.size());
        for (ColumnSchema column : columns) {
            values.add(row.get(column.index()));
        }
        return values;
    }

    private static ColumnSchema column(TableSchema table, String name) throws OvsdbException {
        ColumnSchema column = table.column(name);
        if (column == null) {
            throw new OvsdbException("unknown column", "No column " + name + " in table " + table.name() + ".");
        }
        return column;
    }

    private static List<ColumnSchema> columns(TableSchema table, JsonNode json) throws OvsdbException {
        if (json == null) {
            return List.copyOf(table.columns());
        }
        List<ColumnSchema> columns = new ArrayList<>(json.size());
        for (JsonNode name : json) {
            if (!name.isTextual()) {
                throw OvsdbException.syntax(json, "array of distinct column names expected");
            }
            ColumnSchema column = column(table, name.textValue());
            if (columns.contains(column)) {
                throw OvsdbException.syntax(json, "array of distinct column names expected");
            }
            columns.add(column);
        }
        return columns;
    }

    private static OvsdbException immutable(Table table, ColumnSchema column) {
        return new OvsdbException("constraint violation", "Cannot update immutable column " + column.name()
                + " in table " + table.name() + ".");
    }

    private static JsonNode count(int n) {
        ObjectNode result = Json.NODES.objectNode();
        result.put("count", n);
        return result;
    }
}
