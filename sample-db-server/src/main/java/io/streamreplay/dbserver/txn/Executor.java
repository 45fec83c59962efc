package io.streamreplay.dbserver.txn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.Datum;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.data.UuidSource;
import io.streamreplay.dbserver.protocol.MemberParser;
import io.streamreplay.dbserver.protocol.MemberParser.Kind;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.protocol.ReplyBudget;
import io.streamreplay.dbserver.protocol.ShashOrder;
import io.streamreplay.dbserver.schema.BaseType;
import io.streamreplay.dbserver.schema.ColumnSchema;
import io.streamreplay.dbserver.schema.NamedUuids;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.TreeCost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Runs the operations of one {@code transact} request (RFC 7047 §5.2) in a {@link Transaction}: every operation
 * yields a result; the first failure stops the rest (their results are {@code null}) and nothing is committed. When
 * every operation succeeded and the commit checks passed, the outcome holds the {@link PreparedTransaction}, which
 * the caller stores and applies; a failed commit appends its error as an extra result
 * ({@link Outcome#commitFailed}). A {@code wait} that is not yet satisfied and has time left parks the whole
 * request, to be run again after the next commit or when its timeout passes ({@link WaitOperation}). Row objects and
 * column lists are read by {@link RowJson}.
 *
 * <p>Loop thread only; one executor per attempt.
 */
public final class Executor {

    /**
     * What a request came to: parked, finished with an error (every result known, nothing to commit), or prepared.
     *
     * @param results the reply's result array, or null if the request is parked
     * @param prepared the transaction to store and apply, if every operation succeeded and the commit checks passed;
     *     null otherwise
     * @param retryMillis for a parked request, how long until its earliest {@code wait} times out
     *     ({@link Long#MAX_VALUE} if never)
     */
    public record Outcome(ArrayNode results, PreparedTransaction prepared, long retryMillis) {

        /** Whether the request waits on a {@code wait} operation and must be run again later. */
        public boolean parked() {
            return results == null;
        }

        /**
         * Adds the error that committing {@link #prepared()} failed with (an {@code "I/O error"} storing it) as the
         * extra result after the operations' results; the database must then be left unchanged.
         */
        public void commitFailed(OvsdbException error) {
            results.add(error.toJson());
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
    private final RowJson rowObjects;
    private ReplyBudget reply = ReplyBudget.unlimited();
    /** Whether the whole server refuses writes, as a backup does (checked before {@link #readOnly}). */
    private boolean serverReadOnly;

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
        this.rowObjects = new RowJson(names);
    }

    /**
     * Bounds the heap the results may take while they are built: past {@code maxBytes}, the operation that would
     * exceed it fails with {@code "resources exhausted"} (and the transaction with it).
     *
     * @return this executor
     */
    public Executor limitReply(long maxBytes) {
        this.reply = new ReplyBudget(maxBytes);
        return this;
    }

    /**
     * Refuses every write operation, on any database, with ovsdb-server's words for a server in read-only mode (a
     * backup): {@code "not allowed"}, {@code "OP operation not allowed when database server is in read only mode"}.
     *
     * @return this executor
     */
    public Executor refuseWritesAsBackup() {
        this.serverReadOnly = true;
        return this;
    }

    /**
     * Runs {@code operations} (the request's params after the database name) and prepares the transaction they
     * make; leaves the database unchanged.
     */
    public Outcome execute(List<JsonNode> operations) {
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
            } catch (WaitOperation.Parked parked) {
                return new Outcome(null, null, parked.retryMillis);
            }
        }
        PreparedTransaction prepared = null;
        if (!failed) {
            try {
                prepared = txn.prepare();
            } catch (OvsdbException e) {
                results.add(e.toJson());
            }
        }
        return new Outcome(results, prepared, 0);
    }

    /**
     * Runs one operation. As in Open vSwitch, each operation reads all its members first (in Open vSwitch's order, the
     * first problem being the one reported), an unused member overrides any later error, and only then is a write
     * to a read-only database refused.
     */
    private JsonNode operation(JsonNode json, String prefix) throws OvsdbException, WaitOperation.Parked {
        MemberParser members = MemberParser.of(json, prefix);
        String op = members.required("op", Kind.ID).textValue();
        JsonNode result;
        boolean writes = true;
        try {
            switch (op) {
                case "insert" -> result = insert(members);
                case "select" -> {
                    result = select(members);
                    writes = false;
                }
                case "update" -> result = update(members);
                case "mutate" -> result = mutate(members);
                case "delete" -> result = delete(members);
                case "wait" -> {
                    result = WaitOperation.run(members, this::table, txn, rowObjects, names, elapsedMillis);
                    writes = false;
                }
                case "commit" -> {
                    if (members.required("durable", Kind.BOOLEAN).booleanValue()) {
                        txn.requestDurable();
                    }
                    result = Json.NODES.objectNode();
                }
                case "abort" -> throw new OvsdbException("aborted", "aborted by request");
                case "comment" -> {
                    txn.addComment(members.required("comment", Kind.STRING).textValue());
                    result = Json.NODES.objectNode();
                    writes = false;
                }
                case "assert" -> {
                    String lock = members.required("lock", Kind.ID).textValue();
                    if (!ownsLock.test(lock)) {
                        throw new OvsdbException("not owner", "Asserted lock " + lock + " not held.");
                    }
                    result = Json.NODES.objectNode();
                    writes = false;
                }
                default -> throw members.error("No operation \"" + op + "\"");
            }
        } catch (OvsdbException | WaitOperation.Parked e) {
            members.finish();
            throw e;
        }
        members.finish();
        if (writes && serverReadOnly) {
            throw new OvsdbException("not allowed", op + " operation not allowed when database server is in read"
                    + " only mode");
        }
        if (writes && readOnly) {
            throw new OvsdbException("not allowed", op + " operation not allowed on table in reserved database "
                    + db.name());
        }
        return result;
    }

    private Table table(MemberParser members) throws OvsdbException {
        String name = members.required("table", Kind.ID).textValue();
        Table table = db.table(name);
        if (table == null) {
            throw members.error("No table named " + name + ".");
        }
        return table;
    }

    private JsonNode insert(MemberParser members) throws OvsdbException {
        Table table = table(members);
        JsonNode uuidJson = members.optional("uuid", Kind.STRING);
        JsonNode uuidName = members.optional("uuid-name", Kind.ID);
        JsonNode rowJson = members.required("row", Kind.OBJECT);
        UUID uuid = null;
        if (uuidJson != null) {
            if (!BaseType.isUuid(uuidJson.textValue())) {
                throw OvsdbException.syntax(uuidJson, "bad uuid");
            }
            uuid = UUID.fromString(uuidJson.textValue());
            if (txn.get(table, uuid) != null || txn.deletedHere(table, uuid)) {
                throw new OvsdbException("duplicate uuid", "This UUID would duplicate a UUID already present within"
                        + " the table or deleted within the same transaction.", uuidJson);
            }
        }
        if (uuidName != null) {
            String name = uuidName.textValue();
            if (!definedSymbols.add(name)) {
                throw new OvsdbException("duplicate uuid-name", "This \"uuid-name\" appeared on an earlier"
                        + " \"insert\" operation.", uuidName);
            }
            uuid = uuid != null ? uuid : names.resolve(name);
            symbols.put(name, uuid);
        }
        if (uuid == null) {
            uuid = txn.newUuid();
        }
        Row[] row = {table.newRow(uuid, txn.newUuid())};
        Set<ColumnSchema> given = new HashSet<>();
        rowObjects.readRow(table.schema(), rowJson, (column, value) -> {
            if (!column.isImplicit()) {
                // As in Open vSwitch, a row's own _uuid and _version are the server's whatever the row says.
                row[0] = row[0].with(column.index(), value);
            }
            given.add(column);
        });
        for (ColumnSchema column : table.schema().columns()) {
            if (!column.isImplicit() && !given.contains(column)) {
                row[0].get(column.index()).checkConstraints(column.type());
            }
        }
        txn.insert(table, row[0]);
        ObjectNode result = Json.NODES.objectNode();
        result.set("uuid", BaseType.atomToJson(uuid));
        return result;
    }

    private JsonNode select(MemberParser members) throws OvsdbException {
        Table table = table(members);
        JsonNode whereJson = members.required("where", Kind.ARRAY);
        JsonNode columnsJson = members.optional("columns", Kind.ARRAY);
        JsonNode sortJson = members.optional("sort", Kind.ARRAY);
        Condition where = Condition.fromJson(whereJson, table.schema(), names);
        List<ColumnSchema> columns = RowJson.columns(table.schema(), columnsJson);
        List<ColumnSchema> sort = sortJson == null ? List.of() : RowJson.columns(table.schema(), sortJson);
        List<Row> rows = RowJson.distinct(txn.select(table, where), columns);
        if (!sort.isEmpty()) {
            rows.sort((a, b) -> {
                for (ColumnSchema column : sort) {
                    int c = Datum.compare(a.get(column.index()), b.get(column.index()));
                    if (c != 0) {
                        return c;
                    }
                }
                return 0;
            });
        }
        ArrayNode rowsJson = Json.array();
        for (Row row : rows) {
            long cost = TreeCost.OBJECT + TreeCost.ELEMENT + columns.size() * TreeCost.MEMBER;
            for (ColumnSchema column : columns) {
                cost += row.get(column.index()).jsonCost();
            }
            reply.charge(cost);
            ObjectNode rowJson = rowsJson.addObject();
            for (ColumnSchema column : columns) {
                rowJson.set(column.name(), row.get(column.index()).toJson());
            }
        }
        ObjectNode result = Json.NODES.objectNode();
        result.set("rows", rowsJson);
        return result;
    }

    private JsonNode update(MemberParser members) throws OvsdbException {
        Table table = table(members);
        JsonNode whereJson = members.required("where", Kind.ARRAY);
        JsonNode rowJson = members.required("row", Kind.OBJECT);
        Map<ColumnSchema, Datum> values = new LinkedHashMap<>();
        rowObjects.readRow(table.schema(), rowJson, values::put);
        for (String name : ShashOrder.of(MemberParser.fieldNames(rowJson))) {
            if (!table.schema().column(name).isMutable()) {
                throw new OvsdbException("constraint violation", "Cannot update immutable column " + name
                        + " in table " + table.name() + ".", members.object());
            }
        }
        Condition where = Condition.fromJson(whereJson, table.schema(), names);
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
        JsonNode whereJson = members.required("where", Kind.ARRAY);
        JsonNode mutationsJson = members.required("mutations", Kind.ARRAY);
        List<Mutation> mutations = new ArrayList<>();
        for (JsonNode mutation : mutationsJson) {
            mutations.add(Mutation.fromJson(mutation, table.schema(), names));
        }
        Condition where = Condition.fromJson(whereJson, table.schema(), names);
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
        JsonNode whereJson = members.required("where", Kind.ARRAY);
        Table table = table(members);
        Condition where = Condition.fromJson(whereJson, table.schema(), names);
        List<Row> matches = txn.select(table, where);
        for (Row row : matches) {
            txn.delete(table, row.uuid());
        }
        return count(matches.size());
    }

    private static JsonNode count(int n) {
        ObjectNode result = Json.NODES.objectNode();
        result.put("count", n);
        return result;
    }
}
