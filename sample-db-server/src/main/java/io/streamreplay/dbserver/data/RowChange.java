package io.streamreplay.dbserver.data;

/**
 * One row's change in a transaction: {@code old} is null for an insert, {@code row} is null for a delete.
 *
 * @param old the committed row before the transaction
 * @param row the row after it
 */
public record RowChange(Row old, Row row) {
}
