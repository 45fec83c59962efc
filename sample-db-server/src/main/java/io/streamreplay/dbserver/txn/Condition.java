package io.streamreplay.dbserver.txn;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.data.Datum;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.AtomicType;
import io.streamreplay.dbserver.schema.ColumnSchema;
import io.streamreplay.dbserver.schema.ColumnType;
import io.streamreplay.dbserver.schema.NamedUuids;
import io.streamreplay.dbserver.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A {@code where} clause list (RFC 7047 §5.1): each clause is {@code [column, function, value]} or a JSON boolean.
 * A transaction matches rows where every clause holds ({@link #matchesAll}); a monitor where any clause holds
 * ({@link #matchesAny}). Knows when an {@code _uuid ==} clause or an index makes a lookup possible.
 *
 * <p>Immutable.
 */
public final class Condition {

    /** The functions of a clause. */
    enum Function {
        EQ("=="), NE("!="), INCLUDES("includes"), EXCLUDES("excludes"), LT("<"), LE("<="), GT(">"), GE(">=");

        final String text;

        Function(String text) {
            this.text = text;
        }

        static Function named(String name) {
            for (Function function : values()) {
                if (function.text.equals(name)) {
                    return function;
                }
            }
            return null;
        }

        boolean isOrdering() {
            return this == LT || this == LE || this == GT || this == GE;
        }
    }

    /** One clause; a constant clause has no column. */
    record Clause(ColumnSchema column, Function function, Datum argument, boolean constant) {

        boolean test(Row row) {
            if (column == null) {
                return constant;
            }
            Datum value = row.get(column.index());
            return switch (function) {
                case EQ -> value.equals(argument);
                case NE -> !value.equals(argument);
                case INCLUDES -> value.includes(argument);
                case EXCLUDES -> value.excludes(argument);
                case LT -> !value.isEmpty() && order(value) < 0;
                case LE -> !value.isEmpty() && order(value) <= 0;
                case GT -> !value.isEmpty() && order(value) > 0;
                case GE -> !value.isEmpty() && order(value) >= 0;
            };
        }

        /** How the scalar {@code value} compares with the argument. */
        private int order(Datum value) {
            return AtomicType.compare(value.scalar(), argument.scalar());
        }
    }

    /** Matches every row. */
    public static final Condition ALL = new Condition(List.of());

    private final List<Clause> clauses;

    private Condition(List<Clause> clauses) {
        this.clauses = clauses;
    }

    /** Parses a {@code where} array for {@code table}. */
    public static Condition fromJson(JsonNode json, TableSchema table, NamedUuids names) throws OvsdbException {
        if (!json.isArray()) {
            throw OvsdbException.syntax(json, "Parse error in condition.");
        }
        List<Clause> clauses = new ArrayList<>(json.size());
        for (JsonNode clause : json) {
            clauses.add(clause(clause, table, names));
        }
        return new Condition(List.copyOf(clauses));
    }

    private static Clause clause(JsonNode json, TableSchema table, NamedUuids names) throws OvsdbException {
        if (json.isBoolean()) {
            return new Clause(null, null, null, json.booleanValue());
        }
        if (!json.isArray() || json.size() != 3 || !json.get(0).isTextual() || !json.get(1).isTextual()) {
            throw OvsdbException.syntax(json, "Parse error in condition.");
        }
        String columnName = json.get(0).textValue();
        ColumnSchema column = table.column(columnName);
        if (column == null) {
            throw new OvsdbException("unknown column", "No column " + columnName + " in table " + table.name()
                    + ".", json);
        }
        String functionName = json.get(1).textValue();
        Function function = Function.named(functionName);
        if (function == null) {
            throw new OvsdbException("unknown function", "No function named " + functionName + ".");
        }
        // The argument's type, relaxed as Open vSwitch relaxes it: an ordering takes exactly one atom even on an
        // optional column, and includes/excludes keep a scalar column's count.
        ColumnType type = column.type();
        if (function.isOrdering()) {
            AtomicType atomic = type.key().type();
            if (!(type.isScalar() || type.isOptionalScalar())
                    || (atomic != AtomicType.INTEGER && atomic != AtomicType.REAL)) {
                throw OvsdbException.syntax(json, "Type mismatch: \"" + function.text
                        + "\" operator may not be applied to column " + columnName + " of type " + type.describe()
                        + ".");
            }
            type = type.withCounts(1, type.max());
        } else if (function == Function.INCLUDES && !type.isScalar()) {
            type = type.withCounts(0, type.max());
        } else if (function == Function.EXCLUDES && !type.isScalar()) {
            type = type.withCounts(0, ColumnType.UNLIMITED);
        }
        return new Clause(column, function, Datum.fromJson(json.get(2), type, names), false);
    }

    /** Whether every clause holds for {@code row} (transaction semantics). */
    public boolean matchesAll(Row row) {
        for (Clause clause : clauses) {
            if (!clause.test(row)) {
                return false;
            }
        }
        return true;
    }

    /** Whether any clause holds for {@code row}, or there are none (monitor semantics). */
    public boolean matchesAny(Row row) {
        if (clauses.isEmpty()) {
            return true;
        }
        for (Clause clause : clauses) {
            if (clause.test(row)) {
                return true;
            }
        }
        return false;
    }

    /** The UUID of an {@code ["_uuid","==",U]} clause, or null: the matches are then at most that row. */
    public UUID uuidLookup() {
        for (Clause clause : clauses) {
            if (clause.column() != null && clause.function() == Function.EQ
                    && clause.column().index() == ColumnSchema.UUID_INDEX) {
                return (UUID) clause.argument().scalar();
            }
        }
        return null;
    }

    /**
     * The number of an index of {@code table} whose every column has an {@code ==} clause, or -1. With
     * {@link #indexKey} the matches are then at most the row holding that key.
     */
    public int usableIndex(Table table) {
        List<List<ColumnSchema>> indexes = table.schema().indexes();
        for (int i = 0; i < indexes.size(); i++) {
            if (coversIndex(indexes.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private boolean coversIndex(List<ColumnSchema> index) {
        for (ColumnSchema column : index) {
            if (equalityArgument(column) == null) {
                return false;
            }
        }
        return true;
    }

    /** The key that index {@code index} of {@code table} must hold for a row to match. */
    public Object indexKey(Table table, int index) {
        List<ColumnSchema> columns = table.schema().indexes().get(index);
        if (columns.size() == 1) {
            return equalityArgument(columns.get(0));
        }
        List<Datum> key = new ArrayList<>(columns.size());
        for (ColumnSchema column : columns) {
            key.add(equalityArgument(column));
        }
        return key;
    }

    private Datum equalityArgument(ColumnSchema column) {
        for (Clause clause : clauses) {
            if (clause.column() == column && clause.function() == Function.EQ) {
                return clause.argument();
            }
        }
        return null;
    }
}
