package io.streamreplay.dbserver.txn;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.data.Datum;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.AtomicType;
import io.streamreplay.dbserver.schema.ColumnSchema;
import io.streamreplay.dbserver.schema.ColumnType;
import io.streamreplay.dbserver.schema.NamedUuids;
import io.streamreplay.dbserver.schema.TableSchema;

/**
 * One {@code [column, mutator, value]} of a {@code mutate} operation (RFC 7047 §5.1): arithmetic on integer and
 * real scalars and sets, or {@code insert}/{@code delete} on sets and maps, with Open vSwitch's errors.
 *
 * <p>Immutable.
 */
final class Mutation {

    private enum Mutator {
        ADD("+="), SUBTRACT("-="), MULTIPLY("*="), DIVIDE("/="), MODULO("%="), INSERT("insert"), DELETE("delete");

        final String text;

        Mutator(String text) {
            this.text = text;
        }

        static Mutator named(String name) {
            for (Mutator mutator : values()) {
                if (mutator.text.equals(name)) {
                    return mutator;
                }
            }
            return null;
        }
    }

    private final ColumnSchema column;
    private final Mutator mutator;
    private final Datum argument;

    private Mutation(ColumnSchema column, Mutator mutator, Datum argument) {
        this.column = column;
        this.mutator = mutator;
        this.argument = argument;
    }

    static Mutation fromJson(JsonNode json, TableSchema table, NamedUuids names) throws OvsdbException {
        if (!json.isArray() || json.size() != 3 || !json.get(0).isTextual() || !json.get(1).isTextual()) {
            throw OvsdbException.syntax(json, "Parse error in mutation.");
        }
        String columnName = json.get(0).textValue();
        ColumnSchema column = table.column(columnName);
        if (column == null) {
            throw new OvsdbException("unknown column", "No column " + columnName + " in table " + table.name()
                    + ".", json);
        }
        if (!column.isMutable()) {
            throw new OvsdbException("constraint violation", "Cannot mutate immutable column " + columnName
                    + " in table " + table.name() + ".", json);
        }
        String mutatorName = json.get(1).textValue();
        Mutator mutator = Mutator.named(mutatorName);
        if (mutator == null) {
            throw new OvsdbException("unknown mutator", "No mutator named " + mutatorName + ".");
        }
        ColumnType type = column.type();
        JsonNode value = json.get(2);
        Datum argument;
        switch (mutator) {
            case INSERT, DELETE -> {
                if (type.isScalar()) {
                    throw mismatch(json, mutator, column);
                }
                ColumnType argumentType = type.withCounts(0, mutator == Mutator.INSERT ? type.max()
                        : ColumnType.UNLIMITED);
                try {
                    argument = Datum.fromJson(value, argumentType, names);
                } catch (OvsdbException e) {
                    if (mutator == Mutator.INSERT || !type.isMap()) {
                        throw e;
                    }
                    // Deleting from a map by key, as Open vSwitch tries when the value is not a map: a set of keys.
                    argument = Datum.fromJson(value, new ColumnType(type.key(), null, 0, ColumnType.UNLIMITED),
                            names);
                }
            }
            default -> {
                AtomicType atomic = type.key().type();
                boolean numeric = atomic == AtomicType.INTEGER || (atomic == AtomicType.REAL
                        && mutator != Mutator.MODULO);
                if (!numeric || type.isMap()) {
                    throw mismatch(json, mutator, column);
                }
                argument = Datum.fromJson(value, new ColumnType(type.key().withoutConstraints(), null, 1, 1), names);
            }
        }
        return new Mutation(column, mutator, argument);
    }

    private static OvsdbException mismatch(JsonNode json, Mutator mutator, ColumnSchema column) {
        return OvsdbException.syntax(json, "Type mismatch: \"" + mutator.text + "\" operator may not be applied to"
                + " column " + column.name() + " of type " + column.type().describe() + ".");
    }

    ColumnSchema column() {
        return column;
    }

    /** The column's value after the mutation, checked against the column's type as Open vSwitch checks it. */
    Datum apply(Datum value) throws OvsdbException {
        return switch (mutator) {
            case INSERT -> counted(value.union(argument));
            case DELETE -> counted(value.minus(argument));
            default -> arithmetic(value);
        };
    }

    /** {@code set}, refused if it has too few or too many elements for the column. */
    private Datum counted(Datum set) throws OvsdbException {
        set.checkCount(column.type());
        return set;
    }

    /** Every element changed first (a range error stops it), then each checked, then the set for duplicates. */
    private Datum arithmetic(Datum value) throws OvsdbException {
        Object[] atoms = new Object[value.size()];
        for (int i = 0; i < atoms.length; i++) {
            if (value.key(i) instanceof Long x) {
                atoms[i] = integer(x, (Long) argument.scalar());
            } else {
                atoms[i] = real((Double) value.key(i), ((Number) argument.scalar()).doubleValue());
            }
        }
        for (Object atom : atoms) {
            column.type().key().checkConstraints(atom);
        }
        Datum result = Datum.ofUnsorted(atoms, null);
        if (result == null) {
            throw new OvsdbException("constraint violation", "Result of \"" + mutator.text
                    + "\" operation contains duplicates.");
        }
        return result;
    }

    private long integer(long x, long y) throws OvsdbException {
        try {
            return switch (mutator) {
                case ADD -> Math.addExact(x, y);
                case SUBTRACT -> Math.subtractExact(x, y);
                case MULTIPLY -> Math.multiplyExact(x, y);
                case DIVIDE -> {
                    checkDivisor(x, y);
                    yield x / y;
                }
                default -> {
                    checkDivisor(x, y);
                    yield x % y;
                }
            };
        } catch (ArithmeticException e) {
            throw new OvsdbException("range error", "Result of \"" + mutator.text + "\" operation is out of range.");
        }
    }

    /** Refuses a division by zero, and one whose quotient overflows (by an {@link ArithmeticException}). */
    private static void checkDivisor(long x, long y) throws OvsdbException {
        if (y == 0) {
            throw divisionByZero();
        }
        if (x == Long.MIN_VALUE && y == -1) {
            throw new ArithmeticException();
        }
    }

    private double real(double x, double y) throws OvsdbException {
        double result;
        switch (mutator) {
            case ADD -> result = x + y;
            case SUBTRACT -> result = x - y;
            case MULTIPLY -> result = x * y;
            default -> {
                if (y == 0) {
                    throw divisionByZero();
                }
                result = x / y;
            }
        }
        // A subnormal result is refused too: Open vSwitch's JSON reader refuses such a number, so a database file
        // holding one could not be read back.
        if (!Double.isFinite(result) || (result != 0 && Math.abs(result) < Double.MIN_NORMAL)) {
            throw new OvsdbException("range error", "Result of \"" + mutator.text + "\" operation is out of range.");
        }
        return result;
    }

    private static OvsdbException divisionByZero() {
        return new OvsdbException("domain error", "Division by zero.");
    }
}
