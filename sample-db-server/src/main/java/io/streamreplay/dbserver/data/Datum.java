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
 * <p>Immutable; equal datums have equal keys and values in the same order.
 */
public final class Datum {

    private static final Object[] NONE = {};

    /** The empty set. */
    public static final Datum EMPTY_SET = new Datum(NONE, null);
    /** The empty map. */
    public static final Datum EMPTY_MAP = new Datum(NONE, NONE);

    private final Object[] keys;
    private final Object[] values;
    private int hash;

    private Datum(Object[] keys, Object[] values) {
        this.keys = keys;
        this.values = values;
    }

    /** A set of one atom. */
    public static Datum of(Object atom) {
        return new Datum(new Object[] {atom}, null);
    }

    /** The column's default: empty when {@code min} is 0, else one default atom (and default value). */
    public static Datum defaultFor(ColumnType type) {
        if (type.min() == 0) {
            return type.isMap() ? EMPTY_MAP : EMPTY_SET;
        }
        Object key = type.key().type().defaultAtom();
        return type.isMap() ? new Datum(new Object[] {key}, new Object[] {type.value().type().defaultAtom()})
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
        if (keys.length < type.min() || keys.length > type.max()) {
            throw new OvsdbException("constraint violation", "Attempted to store " + keys.length + " elements in "
                    + type.describe() + ".");
        }
    }

    /** Checks every atom (and value) against {@code type}'s constraints. */
    public void checkConstraints(ColumnType type) throws OvsdbException {
        for (int i = 0; i < keys.length; i++) {
            type.key().checkConstraints(keys[i]);
            if (values != null) {
                type.value().checkConstraints(values[i]);
            }
        }
    }

    /** The number of elements. */
    public int size() {
        return keys.length;
    }

    public boolean isEmpty() {
        return keys.length == 0;
    }

    public boolean isMap() {
        return values != null;
    }

    /** The {@code i}-th key (or element) in sorted order. */
    public Object key(int i) {
        return keys[i];
    }

    /** The {@code i}-th value of a map. */
    public Object value(int i) {
        return values[i];
    }

    /** The single atom of a scalar. */
    public Object scalar() {
        return keys[0];
    }

    /** The position of {@code key}, or a negative number. */
    public int find(Object key) {
        return Arrays.binarySearch(keys, key, AtomicType::compare);
    }

    /** Whether every element (every pair, for maps) of {@code other} is in this. */
    public boolean includes(Datum other) {
        for (int i = 0; i < other.keys.length; i++) {
            int at = find(other.keys[i]);
            if (at < 0 || (values != null && AtomicType.compare(values[at], other.values[i]) != 0)) {
                return false;
            }
        }
        return true;
    }

    /** Whether no element (no pair, for maps) of {@code other} is in this. */
    public boolean excludes(Datum other) {
        for (int i = 0; i < other.keys.length; i++) {
            int at = find(other.keys[i]);
            if (at >= 0 && (values == null || AtomicType.compare(values[at], other.values[i]) == 0)) {
                return false;
            }
        }
        return true;
    }

    /** This plus the elements of {@code other}; for maps, keys already present keep their values. */
    public Datum union(Datum other) {
        List<Object> newKeys = new ArrayList<>();
        List<Object> newValues = values == null ? null : new ArrayList<>();
        for (int i = 0; i < other.keys.length; i++) {
            if (find(other.keys[i]) < 0) {
                newKeys.add(other.keys[i]);
                if (newValues != null) {
                    newValues.add(other.values[i]);
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
        return new Datum(k, v);
    }

    /**
     * This without the elements of {@code other}: for sets the elements; for maps, if {@code other} is a map, the
     * pairs whose key and value both match, otherwise (a set of keys) every pair with one of those keys.
     */
    public Datum minus(Datum other) {
        boolean[] drop = new boolean[keys.length];
        int dropped = 0;
        for (int i = 0; i < other.keys.length; i++) {
            int at = find(other.keys[i]);
            if (at >= 0 && !drop[at] && (other.values == null || values == null
                    || AtomicType.compare(values[at], other.values[i]) == 0)) {
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
        return new Datum(k, v);
    }

    /** A datum of the same kind with {@code newKeys} (and {@code newValues}), sorted; null if keys repeat. */
    public static Datum ofUnsorted(Object[] newKeys, Object[] newValues) {
        sortPairs(newKeys, newValues);
        for (int i = 1; i < newKeys.length; i++) {
            if (AtomicType.compare(newKeys[i - 1], newKeys[i]) == 0) {
                return null;
            }
        }
        return new Datum(newKeys, newValues);
    }

    /**
     * The difference that turns this into {@code next}, as update2 and the database file write it for composite
     * columns: elements in exactly one of the two, and for maps {@code [key, new value]} for changed values. The
     * operation is its own inverse: {@code a.diff(a.diff(b))} is {@code b}, which is how a difference is applied.
     */
    public Datum diff(Datum next) {
        List<Object> k = new ArrayList<>();
        List<Object> v = values == null ? null : new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < keys.length || j < next.keys.length) {
            int c = i == keys.length ? 1 : j == next.keys.length ? -1 : AtomicType.compare(keys[i], next.keys[j]);
            if (c < 0) {
                k.add(keys[i]);
                if (v != null) {
                    v.add(values[i]);
                }
                i++;
            } else if (c > 0) {
                k.add(next.keys[j]);
                if (v != null) {
                    v.add(next.values[j]);
                }
                j++;
            } else {
                if (v != null && AtomicType.compare(values[i], next.values[j]) != 0) {
                    k.add(next.keys[j]);
                    v.add(next.values[j]);
                }
                i++;
                j++;
            }
        }
        return new Datum(k.toArray(), v == null ? null : v.toArray());
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
        if (a.keys.length != b.keys.length) {
            return a.keys.length < b.keys.length ? -1 : 1;
        }
        for (int i = 0; i < a.keys.length; i++) {
            int c = AtomicType.compare(a.keys[i], b.keys[i]);
            if (c != 0) {
                return c;
            }
        }
        if (a.values != null) {
            for (int i = 0; i < a.values.length; i++) {
                int c = AtomicType.compare(a.values[i], b.values[i]);
                if (c != 0) {
                    return c;
                }
            }
        }
        return 0;
    }

    /** The estimated heap of {@link #toJson()}'s tree, in bytes ({@link TreeCost}), without building it. */
    public long jsonCost() {
        if (values == null && keys.length == 1) {
            return atomCost(keys[0]);
        }
        long cost = 2 * TreeCost.ARRAY + 3 * TreeCost.ELEMENT + TreeCost.text(3) + keys.length * TreeCost.ELEMENT;
        for (int i = 0; i < keys.length; i++) {
            cost += atomCost(keys[i]);
            if (values != null) {
                cost += TreeCost.ARRAY + 2 * TreeCost.ELEMENT + atomCost(values[i]);
            }
        }
        return cost;
    }

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
    public JsonNode toJson() {
        if (values == null && keys.length == 1) {
            return BaseType.atomToJson(keys[0]);
        }
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
        if (this == other) {
            return true;
        }
        return other instanceof Datum that && Arrays.equals(keys, that.keys) && Arrays.equals(values, that.values);
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

    @Override
    public String toString() {
        return Json.toText(toJson());
    }
}
