package io.streamreplay.dbserver.data;

import io.streamreplay.dbserver.schema.ColumnSchema;
import java.util.Arrays;
import java.util.UUID;

/**
 * One row: a datum per column, in the table schema's column order, {@code _uuid} and {@code _version} included.
 *
 * <p>Immutable: a change makes a new row, so a transaction can hold the old and the new side by side.
 */
public final class Row {

    private final Datum[] values;

    private Row(Datum[] values) {
        this.values = values;
    }

    /** A new row of defaults (one per column of the table), with {@code uuid} and {@code version}. */
    public static Row create(Datum[] defaults, UUID uuid, UUID version) {
        Datum[] values = defaults.clone();
        values[ColumnSchema.UUID_INDEX] = Datum.of(uuid);
        values[ColumnSchema.VERSION_INDEX] = Datum.of(version);
        return new Row(values);
    }

    public UUID uuid() {
        return (UUID) values[ColumnSchema.UUID_INDEX].scalar();
    }

    /** The value of column {@code index}. */
    public Datum get(int index) {
        return values[index];
    }

    /** This row with column {@code index} set to {@code value}; this row itself if nothing changes. */
    public Row with(int index, Datum value) {
        if (values[index].equals(value)) {
            return this;
        }
        Datum[] copy = values.clone();
        copy[index] = value;
        return new Row(copy);
    }

    /** This row with a fresh {@code _version}. */
    public Row withVersion(UUID version) {
        Datum[] copy = values.clone();
        copy[ColumnSchema.VERSION_INDEX] = Datum.of(version);
        return new Row(copy);
    }

    /** Whether every column but {@code _version} is equal. */
    public boolean sameData(Row other) {
        for (int i = 0; i < values.length; i++) {
            if (i != ColumnSchema.VERSION_INDEX && !values[i].equals(other.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return uuid() + Arrays.toString(values);
    }
}
