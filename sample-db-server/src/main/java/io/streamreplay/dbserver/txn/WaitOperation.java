package io.streamreplay.dbserver.txn;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.data.Datum;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.protocol.MemberParser;
import io.streamreplay.dbserver.protocol.MemberParser.Kind;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.ColumnSchema;
import io.streamreplay.dbserver.schema.NamedUuids;
import io.streamreplay.jsonrpc.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code wait} operation (RFC 7047 §5.2.6): the distinct projections of the matching rows onto {@code columns}
 * must be (or, for {@code "!="}, must not be) the distinct projections of {@code rows}, Open vSwitch's rule: equal
 * when every actual projection is expected and both sets have the same size. Not yet so with time left, the request
 * is {@link Parked}; out of time, it fails with {@code "timed out"}.
 *
 * <p>Stateless; loop thread only, as the {@link Executor} that runs it.
 */
final class WaitOperation {

    /** A {@code wait} that failed with time left: the request is run again later. */
    static final class Parked extends Exception {
        private static final long serialVersionUID = 1L;
        /** How long until the wait times out, in milliseconds ({@link Long#MAX_VALUE} if never). */
        final long retryMillis;

        Parked(long retryMillis) {
            super(null, null, false, false);
            this.retryMillis = retryMillis;
        }
    }

    /** The table an operation's {@code table} member names, read when the operation's order of reading says. */
    @FunctionalInterface
    interface TableLookup {
        Table table(MemberParser members) throws OvsdbException;
    }

    private WaitOperation() {
    }

    /**
     * Runs the {@code wait} whose members are {@code members} in {@code txn}, the request having waited
     * {@code elapsedMillis} so far.
     *
     * @return the operation's (empty) result
     * @throws Parked if the condition does not hold yet and the timeout has not passed
     */
    static JsonNode run(MemberParser members, TableLookup tables, Transaction txn, RowJson rowJson,
            NamedUuids names, long elapsedMillis) throws OvsdbException, Parked {
        JsonNode timeoutJson = members.optional("timeout", Kind.INTEGER);
        JsonNode whereJson = members.required("where", Kind.ARRAY);
        JsonNode columnsJson = members.optional("columns", Kind.ARRAY);
        JsonNode untilJson = members.required("until", Kind.STRING);
        JsonNode rowsJson = members.required("rows", Kind.ARRAY);
        Table table = tables.table(members);
        Condition where = Condition.fromJson(whereJson, table.schema(), names);
        List<ColumnSchema> columns = RowJson.columns(table.schema(), columnsJson);
        long timeout = timeoutJson == null ? Long.MAX_VALUE : timeoutJson.asLong();
        if (timeout < 0) {
            throw OvsdbException.syntax(timeoutJson, "timeout must be nonnegative");
        }
        String until = untilJson.textValue();
        if (!until.equals("==") && !until.equals("!=")) {
            throw OvsdbException.syntax(untilJson, "\"until\" must be \"==\" or \"!=\"");
        }
        Set<List<Datum>> expected = new HashSet<>();
        for (JsonNode row : rowsJson) {
            if (!row.isObject()) {
                throw OvsdbException.syntax(row, "row must be JSON object");
            }
            Row[] read = {table.newRow(new UUID(0, 0), new UUID(0, 0))};
            rowJson.readRow(table.schema(), row, (column, value) -> read[0] = read[0].with(column.index(), value));
            expected.add(RowJson.project(read[0], columns));
        }
        Set<List<Datum>> actual = new HashSet<>();
        boolean equal = true;
        for (Row row : txn.select(table, where)) {
            List<Datum> projection = RowJson.project(row, columns);
            if (!expected.contains(projection)) {
                equal = false;
                break;
            }
            actual.add(projection);
        }
        equal = equal && actual.size() == expected.size();
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
}
