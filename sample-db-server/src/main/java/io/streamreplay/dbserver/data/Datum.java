package io.streamreplay.dbserver.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.AtomicType;
import io.streamreplay.dbserver.schema.BaseType;
import io.streamreplay.dbserver.schema.ColumnType;
import io.streamreplay.dbserver.schema.NamedUuids;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.TreeCost;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The value of one column in one row: a sorted set of atoms, or a map (sorted keys, each with a value). A scalar is
 * a set of one. Atoms are {@link Long}, {@link Double}, {@link Boolean}, {@link String} or {@link java.util.UUID}.
 *
 * <p>Immutable; equal datums have equal keys and values in the same order. A set of one atom, the commonest value
 * by far, is held as that atom alone (16 bytes on a 64-bit JVM with compressed pointers, not a datum of 24 and an
 * array of 24); every other value as sorted arrays. Every way of making a datum goes through {@link #make}, so a
 * value has one representation, and equality, hash and order are the same whichever way it was made.
 */
public abstract sealed class Datum {

    private static final Object[] NONE = {};

    /** The empty set. */
    public static final Datum EMPTY_SET = new Elements(NONE, null);
    /** The empty map. */
    public static final Datum EMPTY_MAP = new Elements(NONE, NONE);

    private Datum() {
    }

    /** A set of one atom. */
    public static Datum of(Object atom) {
        return new Atom(atom);
    }

    /** {@code keys} (and {@code values}, for a map), sorted and without duplicates, as a datum; owns the arrays. */
    private static Datum make(Object[] keys, Object[] values) {
        return values == null && keys.length == 1 ? new Atom(keys[0]) : new Elements(keys, values);
    }

    /** The keys (elements), sorted; the caller must not change the array. */
    abstract Object[] keys();

    /** The values of a map, in key order, or null for a set; the caller must not change the array. */
    abstract Object[] values();

    /** The column's default: empty when {@code min} is 0, else one default atom (and default value). */
    public static Datum defaultFor(ColumnType type) {
        if (type.min() == 0) {
            return type.isMap() ? EMPTY_MAP : EMPTY_SET;
        }
        Object key = type.key().type().defaultAtom();
        return type.isMap() ? new Elements(new Object[] {key}, new Object[] {type.value().type().defaultAtom()})
                : of(key);
    }

    /**
     * Reads a value of {@code type} as Open vSwitch's {@code ovsdb_datum_from_json} does, with its errors: a bare atom
     * or {@code ["set",[...]]} for sets, {@code ["map",[[k,v],...]]} for maps; the number of elements is checked
     * before the atoms (and counts duplicates), then each atom and its constraints, then duplicates.
     */
    public static Datum fromJson(JsonNode json, ColumnType type, NamedUuids names) throws OvsdbException {
        boolean isMap = type.isMap();
        if (!isMap && !(json.isArray() && json.size() > 0 && "set".equals(json.get(0).textValue()))) {
            return of(atom(json, type.key(), names));
        }
        String kind = isMap ? "map" : "set";
        if (!json.isArray() || json.size() != 2 || !kind.equals(json.get(0).textValue()) || !json.get(1).isArray()) {
            throw OvsdbException.syntax(json, "expected [\"" + kind + "\", <array>]");
        }
        JsonNode elements = json.get(1);
        int n = elements.size();
        if (n < type.min() || n > type.max()) {
            throw OvsdbException.syntax(json, type.min() == 1 && type.max() == 1
                    ? kind + " must have exactly one member but " + n + " are present"
                    : kind + " must have " + type.min() + " to " + type.maxForDisplay() + " members but " + n
                            + " are present");
        }
        Object[] keys = new Object[n];
        Object[] values = isMap ? new Object[n] : null;
        for (int i = 0; i < n; i++) {
            JsonNode element = elements.get(i);
            if (isMap) {
                if (!element.isArray() || element.size() != 2) {
                    throw OvsdbException.syntax(element, "expected 2-element array");
                }
                keys[i] = atom(element.get(0), type.key(), names);
                values[i] = atom(element.get(1), type.value(), names);
            } else {
                keys[i] = atom(element, type.key(), names);
            }
        }
        Datum datum = ofUnsorted(keys, values);
        if (datum == null) {
            throw new OvsdbException("ovsdb error", isMap ? "map contains duplicate key" : "set contains duplicate");
        }
        return datum;
    }

    private static Object atom(JsonNode json, BaseType base, NamedUuids names) throws OvsdbException {
        Object atom = base.atomFromJson(json, names);
        base.checkConstraints(atom);
        return atom;
    }

    private static void sortPairs(Object[] keys, Object[] values) {
        if (values == null) {
            Arrays.sort(keys, AtomicType::compare);
            return;
        }
        Integer[] order = new Integer[keys.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> AtomicType.compare(keys[a], keys[b]));
        Object[] k = keys.clone();
        Object[] v = values.clone();
        for (int i = 0; i < order.length; i++) {
            keys[i] = k[order[i]];
            values[i] = v[order[i]];
        }
    }

    /**
     * Checks the number of elements against {@code type}'s min and max, as a mutation's result is checked:
     * {@code Attempted to store N elements in TYPE.}
     */
    public void checkCount(ColumnType type) throws OvsdbException {
        int n = size();
        if (n < type.min() || n > type.max()) {
            throw new OvsdbException("constraint violation", "Attempted to store " + n + " elements in "
                    + type.describe() + ".");
        }
    }

    /** Checks every atom (and value) against {@code type}'s constraints. */
    public void checkConstraints(ColumnType type) throws OvsdbException {
        Object[] keys = keys();
        Object[] values = values();
        for (int i = 0; i < keys.length; i++) {
            type.key().checkConstraints(keys[i]);
            if (values != null) {
                type.value().checkConstraints(values[i]);
            }
        }
    }

    /** The number of elements. */
    public abstract int size();

    public boolean isEmpty() {
        return size() == 0;
    }

    public abstract boolean isMap();

    /** The {@code i}-th key (or element) in sorted order. */
    public abstract Object key(int i);

    /** The {@code i}-th value of a map. */
    public abstract Object value(int i);

    /** The single atom of a scalar. */
    public Object scalar() {
        return key(0);
    }

    /** The position of {@code key}, or a negative number. */
    public int find(Object key) {
        return Arrays.binarySearch(keys(), key, AtomicType::compare);
    }

    /** Whether every element (every pair, for maps) of {@code other} is in this. */
    public boolean includes(Datum other) {
        Object[] values = values();
        Object[] otherKeys = other.keys();
        Object[] otherValues = other.values();
        for (int i = 0; i < otherKeys.length; i++) {
            int at = find(otherKeys[i]);
            if (at < 0 || (values != null && AtomicType.compare(values[at], otherValues[i]) != 0)) {
                return false;
            }
        }
        return true;
    }

    /** Whether no element (no pair, for maps) of {@code other} is in this. */
    public boolean excludes(Datum other) {
        Object[] values = values();
        Object[] otherKeys = other.keys();
        Object[] otherValues = other.values();
        for (int i = 0; i < otherKeys.length; i++) {
            int at = find(otherKeys[i]);
            if (at >= 0 && (values == null || AtomicType.compare(values[at], otherValues[i]) == 0)) {
                return false;
            }
        }
        return true;
    }

    /** This plus the elements of {@code other}; for maps, keys already present keep their values. */
    public Datum union(Datum other) {
        Object[] keys = keys();
        Object[] values = values();
        Object[] otherKeys = other.keys();
        Object[] otherValues = other.values();
        List<Object> newKeys = new ArrayList<>();
        List<Object> newValues = values == null ? null : new ArrayList<>();
        for (int i = 0; i < otherKeys.length; i++) {
            if (find(otherKeys[i]) < 0) {
                newKeys.add(otherKeys[i]);
                if (newValues != null) {
                    newValues.add(otherValues[i]);
                }
            }
        }
        if (newKeys.isEmpty()) {
            return this;
        }
        Object[] k = Arrays.copyOf(keys, keys.length + newKeys.size());
        Object[] v = values == null ? null : Arrays.copyOf(values, k.length);
        for (int i = 0; i < newKeys.size(); i++) {
            k[keys.length + i] = newKeys.get(i);
            if (v != null) {
                v[keys.length + i] = newValues.get(i);
            }
        }
        sortPairs(k, v);
        return make(k, v);
    }

    /**
     * This without the elements of {@code other}: for sets the elements; for maps, if {@code other} is a map, the
     * pairs whose key and value both match, otherwise (a set of keys) every pair with one of those keys.
     */
    public Datum minus(Datum other) {
        Object[] keys = keys();
        Object[] values = values();
        Object[] otherKeys = other.keys();
        Object[] otherValues = other.values();
        boolean[] drop = new boolean[keys.length];
        int dropped = 0;
        for (int i = 0; i < otherKeys.length; i++) {
            int at = find(otherKeys[i]);
            if (at >= 0 && !drop[at] && (otherValues == null || values == null
                    || AtomicType.compare(values[at], otherValues[i]) == 0)) {
                drop[at] = true;
                dropped++;
            }
        }
        if (dropped == 0) {
            return this;
        }
        Object[] k = new Object[keys.length - dropped];
        Object[] v = values == null ? null : new Object[k.length];
        for (int i = 0, j = 0; i < keys.length; i++) {
            if (!drop[i]) {
                k[j] = keys[i];
                if (v != null) {
                    v[j] = values[i];
                }
                j++;
            }
        }
        return make(k, v);
    }

    /** A datum of the same kind with {@code newKeys} (and {@code newValues}), sorted; null if keys repeat. */
    public static Datum ofUnsorted(Object[] newKeys, Object[] newValues) {
        sortPairs(newKeys, newValues);
        for (int i = 1; i < newKeys.length; i++) {
            if (AtomicType.compare(newKeys[i - 1], newKeys[i]) == 0) {
                return null;
            }
        }
        return make(newKeys, newValues);
    }

    /**
     * The difference that turns this into {@code next}, as update2 and the database file write it for composite
     * columns: elements in exactly one of the two, and for maps {@code [key, new value]} for changed values. The
     * operation is its own inverse: {@code a.diff(a.diff(b))} is {@code b}, which is how a difference is applied.
     */
    public Datum diff(Datum next) {
        Object[] keys = keys();
        Object[] values = values();
        Object[] nextKeys = next.keys();
        Object[] nextValues = next.values();
        List<Object> k = new ArrayList<>();
        List<Object> v = values == null ? null : new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < keys.length || j < nextKeys.length) {
            int c = i == keys.length ? 1 : j == nextKeys.length ? -1 : AtomicType.compare(keys[i], nextKeys[j]);
            if (c < 0) {
                k.add(keys[i]);
                if (v != null) {
                    v.add(values[i]);
                }
                i++;
            } else if (c > 0) {
                k.add(nextKeys[j]);
                if (v != null) {
                    v.add(nextValues[j]);
                }
                j++;
            } else {
                if (v != null && AtomicType.compare(values[i], nextValues[j]) != 0) {
                    k.add(nextKeys[j]);
                    v.add(nextValues[j]);
                }
                i++;
                j++;
            }
        }
        return make(k.toArray(), v == null ? null : v.toArray());
    }

    /**
     * Reads a difference of a {@code type} column as a database file's {@code _is_diff} record holds it: like
     * {@link #fromJson} (each atom checked), but with any number of elements, since a difference may list more
     * elements than the column can hold (a two-element set replaced by two others lists four), as Open vSwitch's
     * {@code ovsdb_transient_datum_from_json}.
     */
    public static Datum diffFromJson(JsonNode json, ColumnType type) throws OvsdbException {
        return fromJson(json, type.withCounts(0, ColumnType.UNLIMITED), null);
    }

    /**
     * This value with {@code difference} (made by {@link #diff}) applied; only the result must fit {@code type}'s
     * element counts.
     *
     * @throws OvsdbException if the result holds fewer or more elements than the column allows
     */
    public Datum applyDiff(Datum difference, ColumnType type) throws OvsdbException {
        Datum result = diff(difference);
        if (result.size() < type.min() || result.size() > type.max()) {
            throw new OvsdbException("ovsdb error", "applying the difference " + difference + " to " + this
                    + " leaves " + result.size() + " elements in a column of type " + type.describe());
        }
        return result;
    }

    /**
     * Orders two values of one type as Open vSwitch does ({@code ovsdb_datum_compare_3way}): fewer elements first,
     * then element by element, keys before values.
     */
    public static int compare(Datum a, Datum b) {
        if (a instanceof Atom x && b instanceof Atom y) {
            return AtomicType.compare(x.atom, y.atom);
        }
        int n = a.size();
        if (n != b.size()) {
            return n < b.size() ? -1 : 1;
        }
        for (int i = 0; i < n; i++) {
            int c = AtomicType.compare(a.key(i), b.key(i));
            if (c != 0) {
                return c;
            }
        }
        if (a.isMap()) {
            for (int i = 0; i < n; i++) {
                int c = AtomicType.compare(a.value(i), b.value(i));
                if (c != 0) {
                    return c;
                }
            }
        }
        return 0;
    }

    /** The estimated heap of {@link #toJson()}'s tree, in bytes ({@link TreeCost}), without building it. */
    public abstract long jsonCost();

    private static long atomCost(Object atom) {
        if (atom instanceof String text) {
            return TreeCost.text(text.length());
        }
        if (atom instanceof java.util.UUID) {
            return TreeCost.ARRAY + 2 * TreeCost.ELEMENT + TreeCost.text(4) + TreeCost.text(36);
        }
        return atom instanceof Boolean ? 0 : TreeCost.NUMBER;
    }

    /** The wire form: a bare atom for one element of a set, else {@code ["set",...]} or {@code ["map",...]}. */
    public abstract JsonNode toJson();

    @Override
    public String toString() {
        return Json.toText(toJson());
    }

    /**
     * A set of one atom. Its hash is the one its arrays would have ({@code 31 * Arrays.hashCode({atom})}), so hashed
     * collections of datums see the same hashes whichever representation holds a value.
     */
    private static final class Atom extends Datum {

        private final Object atom;

        Atom(Object atom) {
            this.atom = atom;
        }

        @Override
        Object[] keys() {
            return new Object[] {atom};
        }

        @Override
        Object[] values() {
            return null;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public boolean isMap() {
            return false;
        }

        @Override
        public Object key(int i) {
            if (i != 0) {
                throw new ArrayIndexOutOfBoundsException(i);
            }
            return atom;
        }

        @Override
        public Object value(int i) {
            throw new NullPointerException("a set has no values");
        }

        @Override
        public Object scalar() {
            return atom;
        }

        @Override
        public int find(Object key) {
            int c = AtomicType.compare(atom, key);
            return c == 0 ? 0 : c < 0 ? -2 : -1;
        }

        @Override
        public long jsonCost() {
            return atomCost(atom);
        }

        @Override
        public JsonNode toJson() {
            return BaseType.atomToJson(atom);
        }

        @Override
        public boolean equals(Object other) {
            return this == other || (other instanceof Atom that && atom.equals(that.atom));
        }

        @Override
        public int hashCode() {
            return 31 * (31 + atom.hashCode());
        }
    }

    /** Any other value: sorted keys, and for a map the values in the same order. */
    private static final class Elements extends Datum {

        private final Object[] keys;
        private final Object[] values;
        private int hash;

        Elements(Object[] keys, Object[] values) {
            this.keys = keys;
            this.values = values;
        }

        @Override
        Object[] keys() {
            return keys;
        }

        @Override
        Object[] values() {
            return values;
        }

        @Override
        public int size() {
            return keys.length;
        }

        @Override
        public boolean isMap() {
            return values != null;
        }

        @Override
        public Object key(int i) {
            return keys[i];
        }

        @Override
        public Object value(int i) {
            return values[i];
        }

        @Override
        public long jsonCost() {
            long cost = 2 * TreeCost.ARRAY + 3 * TreeCost.ELEMENT + TreeCost.text(3) + keys.length * TreeCost.ELEMENT;
            for (int i = 0; i < keys.length; i++) {
                cost += atomCost(keys[i]);
                if (values != null) {
                    cost += TreeCost.ARRAY + 2 * TreeCost.ELEMENT + atomCost(values[i]);
                }
            }
            return cost;
        }

        @Override
        public JsonNode toJson() {
            ArrayNode elements = Json.NODES.arrayNode(keys.length);
            for (int i = 0; i < keys.length; i++) {
                if (values == null) {
                    elements.add(BaseType.atomToJson(keys[i]));
                } else {
                    elements.add(Json.NODES.arrayNode(2).add(BaseType.atomToJson(keys[i]))
                            .add(BaseType.atomToJson(values[i])));
                }
            }
            return Json.NODES.arrayNode(2).add(values == null ? "set" : "map").add(elements);
        }

        @Override
        public boolean equals(Object other) {
            return this == other || (other instanceof Elements that && Arrays.equals(keys, that.keys)
                    && Arrays.equals(values, that.values));
        }

        @Override
        public int hashCode() {
            int h = hash;
            if (h == 0) {
                h = 31 * Arrays.hashCode(keys) + Arrays.hashCode(values);
                hash = h;
            }
            return h;
        }
    }
}
