package io.streamreplay.dbserver.data;

import io.streamreplay.dbserver.schema.BaseType;
import io.streamreplay.dbserver.schema.ColumnSchema;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.dbserver.schema.TableSchema;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The committed contents of one database: its tables, and which rows hold weak references to each row (so a delete
 * finds them without a scan). Changes arrive only through {@link #apply}, which a transaction calls when it commits.
 *
 * <p>Loop thread only.
 */
public final class Database {

    /** A row that holds a weak reference. */
    public record Referrer(Table table, UUID row) {
    }

    private final DatabaseSchema schema;
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Map<UUID, Set<Referrer>> weakReferrers = new HashMap<>();

    public Database(DatabaseSchema schema) {
        this.schema = schema;
        for (TableSchema table : schema.tables()) {
            tables.put(table.name(), new Table(table));
        }
    }

    public DatabaseSchema schema() {
        return schema;
    }

    public String name() {
        return schema.name();
    }

    /** The table named {@code name}, or null. */
    public Table table(String name) {
        return tables.get(name);
    }

    public Collection<Table> tables() {
        return tables.values();
    }

    /** The rows holding weak references to {@code target}. */
    public Set<Referrer> weakReferrers(UUID target) {
        return weakReferrers.getOrDefault(target, Set.of());
    }

    /**
     * Makes a checked set of changes the committed state: rows, indexes, reference counts.
     *
     * @param changes per table, the changes in the order they should be seen
     */
    public void apply(Map<Table, List<RowChange>> changes) {
        for (Map.Entry<Table, List<RowChange>> entry : changes.entrySet()) {
            Table table = entry.getKey();
            for (RowChange change : entry.getValue()) {
                if (change.old() != null) {
                    references(table, change.old(), -1);
                }
                table.apply(change.old(), change.row());
                if (change.row() != null) {
                    references(table, change.row(), +1);
                }
            }
        }
    }

    private void references(Table table, Row row, int delta) {
        for (ColumnSchema column : table.schema().columns()) {
            BaseType key = column.type().key();
            BaseType value = column.type().value();
            if (key.refTable() == null && (value == null || value.refTable() == null)) {
                continue;
            }
            Datum datum = row.get(column.index());
            for (int i = 0; i < datum.size(); i++) {
                reference(table, row, key, datum.key(i), delta);
                if (value != null) {
                    reference(table, row, value, datum.value(i), delta);
                }
            }
        }
    }

    private void reference(Table table, Row row, BaseType type, Object atom, int delta) {
        if (type.refTable() == null || row.uuid().equals(atom)) {
            return;
        }
        UUID target = (UUID) atom;
        if (type.isStrongRef()) {
            tables.get(type.refTable()).addRefs(target, delta);
        } else if (delta > 0) {
            weakReferrers.computeIfAbsent(target, t -> new HashSet<>()).add(new Referrer(table, row.uuid()));
        } else {
            Set<Referrer> referrers = weakReferrers.get(target);
            if (referrers != null) {
                referrers.remove(new Referrer(table, row.uuid()));
                if (referrers.isEmpty()) {
                    weakReferrers.remove(target);
                }
            }
        }
    }
}
