package io.streamreplay.dbserver.data;

import io.streamreplay.dbserver.schema.ColumnSchema;
import io.streamreplay.dbserver.schema.TableSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The committed rows of one table, by UUID in insertion order, with a hash index per unique index and the number
 * of strong references pointing at each row. Only a committing transaction changes it. Rows and indexes are held
 * without an entry object per row ({@link TableRows}, {@link UniqueIndex}): a table may hold millions.
 *
 * <p>Loop thread only.
 */
public final class Table {

    private final TableSchema schema;
    private final Datum[] defaults;
    private final TableRows rows = new TableRows();
    private final List<UniqueIndex> indexes = new ArrayList<>();
    private final Map<UUID, Integer> refCounts = new HashMap<>();

    public Table(TableSchema schema) {
        this.schema = schema;
        this.defaults = new Datum[schema.columnCount()];
        for (ColumnSchema column : schema.columns()) {
            defaults[column.index()] = Datum.defaultFor(column.type());
        }
        for (List<ColumnSchema> index : schema.indexes()) {
            indexes.add(new UniqueIndex(index.stream().mapToInt(ColumnSchema::index).toArray()));
        }
    }

    public TableSchema schema() {
        return schema;
    }

    public String name() {
        return schema.name();
    }

    /** The default of every column, in row order. */
    public Datum[] defaults() {
        return defaults;
    }

    /** A new row of defaults. */
    public Row newRow(UUID uuid, UUID version) {
        return Row.create(defaults, uuid, version);
    }

    /** The committed row {@code uuid}, or null. */
    public Row get(UUID uuid) {
        return rows.get(uuid);
    }

    /** The committed rows, in insertion order. */
    public Collection<Row> rows() {
        return Collections.unmodifiableCollection(rows);
    }

    public int size() {
        return rows.size();
    }

    /** The key of {@code row} in index {@code index}: a datum, or a list of datums for a multi-column index. */
    public Object indexKey(int index, Row row) {
        List<ColumnSchema> columns = schema.indexes().get(index);
        if (columns.size() == 1) {
            return row.get(columns.get(0).index());
        }
        List<Datum> key = new ArrayList<>(columns.size());
        for (ColumnSchema column : columns) {
            key.add(row.get(column.index()));
        }
        return key;
    }

    /** The committed row whose key in index {@code index} is {@code key}, or null. */
    public UUID findByIndex(int index, Object key) {
        Row row = indexes.get(index).find(key);
        return row == null ? null : row.uuid();
    }

    /** Strong references to row {@code uuid} from committed rows. */
    public int refCount(UUID uuid) {
        return refCounts.getOrDefault(uuid, 0);
    }

    void addRefs(UUID uuid, int delta) {
        int count = refCount(uuid) + delta;
        if (count == 0) {
            refCounts.remove(uuid);
        } else {
            refCounts.put(uuid, count);
        }
    }

    /** Replaces {@code old} (null for an insert) by {@code row} (null for a delete). */
    void apply(Row old, Row row) {
        if (old != null) {
            for (UniqueIndex index : indexes) {
                index.remove(old);
            }
        }
        if (row == null) {
            rows.remove(old.uuid());
            refCounts.remove(old.uuid());
            return;
        }
        rows.put(row);
        for (UniqueIndex index : indexes) {
            index.put(row);
        }
    }
}
