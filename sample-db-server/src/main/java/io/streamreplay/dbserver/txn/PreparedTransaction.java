package io.streamreplay.dbserver.txn;

import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.RowChange;
import io.streamreplay.dbserver.data.Table;
import java.util.List;
import java.util.Map;

/**
 * A transaction whose operations all succeeded and whose commit checks passed ({@link Transaction#prepare()}):
 * what is left is to store it and then apply it with {@link Database#apply}, which is the caller's part. The
 * database is unchanged until then; a transaction that is never applied changes nothing.
 *
 * <p>Immutable once made; the changes are the transaction's own, not copied.
 *
 * @param changes per table in order, every row inserted ({@code old} null), modified (a fresh {@code _version})
 *     or deleted ({@code row} null); empty if the transaction changed nothing, when there is nothing to store
 * @param comment the text of the {@code comment} operations, joined by newlines; empty if none
 * @param durable whether a {@code commit} operation asked for {@code durable: true}
 */
public record PreparedTransaction(Map<Table, List<RowChange>> changes, String comment, boolean durable) {

    /** Whether the transaction changed nothing, so that storing and applying it would do nothing. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }
}
