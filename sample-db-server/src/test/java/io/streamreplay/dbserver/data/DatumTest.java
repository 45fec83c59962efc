package io.streamreplay.dbserver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.dbserver.schema.AtomicType;
import io.streamreplay.dbserver.schema.ColumnType;
import io.streamreplay.jsonrpc.Json;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A datum is one value whichever way it was made: a set of one atom is held without arrays, and is equal, hashes
 * and orders the same as the set of one that a parse, a union, a difference or a removal makes.
 */
class DatumTest {

    private static final UUID U1 = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final UUID U2 = UUID.fromString("ffffffff-0000-4000-8000-000000000002");

    private static ColumnType type(String json) throws Exception {
        return ColumnType.fromJson(Json.parse(json));
    }

    private static Datum parse(String json, String type) throws Exception {
        return Datum.fromJson(Json.parse(json), type(type), null);
    }

    /** The same one-element set, made in every way the server makes values. */
    private static List<Datum> madeEveryWay(Object atom, String atomJson, String typeName) throws Exception {
        String setType = "{\"key\":\"" + typeName + "\",\"min\":0,\"max\":\"unlimited\"}";
        Object other = otherAtom(atom);
        Datum pair = Datum.ofUnsorted(new Object[] {other, atom}, null);
        return List.of(
                Datum.of(atom),
                parse(atomJson, "\"" + typeName + "\""),
                parse("[\"set\",[" + atomJson + "]]", setType),
                Datum.ofUnsorted(new Object[] {atom}, null),
                Datum.EMPTY_SET.union(Datum.of(atom)),
                pair.minus(Datum.of(other)),
                Datum.EMPTY_SET.diff(Datum.of(atom)),
                pair.diff(Datum.of(other)),
                Datum.EMPTY_SET.applyDiff(Datum.of(atom), type(setType)),
                Datum.of(atom).union(Datum.of(atom)),
                Datum.of(atom).minus(Datum.EMPTY_SET));
    }

    private static Object otherAtom(Object atom) {
        if (atom instanceof Long n) {
            return n + 1;
        }
        if (atom instanceof Double d) {
            return d + 1;
        }
        if (atom instanceof Boolean b) {
            return !b;
        }
        if (atom instanceof String s) {
            return s + "x";
        }
        return atom.equals(U1) ? U2 : U1;
    }

    @Test
    void aSetOfOneIsOneValueWhicheverWayItIsMade() throws Exception {
        Object[][] cases = {
                {42L, "42", "integer"},
                {-1.5, "-1.5", "real"},
                {true, "true", "boolean"},
                {"c0-17", "\"c0-17\"", "string"},
                {U2, "[\"uuid\",\"" + U2 + "\"]", "uuid"},
        };
        for (Object[] c : cases) {
            List<Datum> datums = madeEveryWay(c[0], (String) c[1], (String) c[2]);
            Datum first = datums.get(0);
            for (Datum datum : datums) {
                assertEquals(first, datum, c[1] + " made as " + datum);
                assertEquals(datum, first);
                assertEquals(first.hashCode(), datum.hashCode(), datum.toString());
                assertEquals(0, Datum.compare(first, datum));
                assertEquals(0, Datum.compare(datum, first));
                assertEquals(c[1], datum.toString());
                assertEquals(1, datum.size());
                assertFalse(datum.isMap());
                assertFalse(datum.isEmpty());
                assertEquals(c[0], datum.scalar());
                assertEquals(c[0], datum.key(0));
            }
        }
    }

    @Test
    void hashesAreTheOnesTheArraysGave() throws Exception {
        // Hashed collections of datums (indexes, a transaction's seen keys) see the hashes they always saw.
        assertEquals(31 * Arrays.hashCode(new Object[] {"a"}), Datum.of("a").hashCode());
        assertEquals(31 * Arrays.hashCode(new Object[] {U1}), Datum.of(U1).hashCode());
        assertEquals(31 * Arrays.hashCode(new Object[] {1L, 2L}), Datum.ofUnsorted(new Object[] {2L, 1L}, null)
                .hashCode());
        Datum map = parse("[\"map\",[[\"k\",1]]]", "{\"key\":\"string\",\"value\":\"integer\",\"max\":1}");
        assertEquals(31 * Arrays.hashCode(new Object[] {"k"}) + Arrays.hashCode(new Object[] {1L}), map.hashCode());
        assertEquals(31 * 1 + 0, Datum.EMPTY_SET.hashCode());
    }

    @Test
    void equalValuesFindEachOtherInHashMaps() throws Exception {
        Map<Object, String> byKey = new HashMap<>();
        byKey.put(parse("\"name\"", "\"string\""), "scalar");
        byKey.put(List.of(Datum.of("a"), Datum.of(7L)), "pair");
        assertEquals("scalar", byKey.get(Datum.ofUnsorted(new Object[] {"name"}, null)));
        assertEquals("pair", byKey.get(List.of(parse("[\"set\",[\"a\"]]",
                "{\"key\":\"string\",\"min\":0,\"max\":2}"), Datum.of(7L))));
    }

    @Test
    void aMapOfOnePairIsNotASetOfOne() throws Exception {
        Datum map = parse("[\"map\",[[\"k\",\"v\"]]]", "{\"key\":\"string\",\"value\":\"string\",\"max\":1}");
        assertTrue(map.isMap());
        assertEquals(1, map.size());
        assertEquals("k", map.key(0));
        assertEquals("v", map.value(0));
        assertNotEquals(Datum.of("k"), map);
        assertNotEquals(map, Datum.of("k"));
        assertEquals("[\"map\",[[\"k\",\"v\"]]]", map.toString());
        assertNotEquals(Datum.EMPTY_SET, Datum.EMPTY_MAP);
    }

    @Test
    void orderIsOpenVswitchsWhateverTheSizes() throws Exception {
        Datum one = Datum.of(1L);
        Datum two = Datum.of(2L);
        Datum oneAndTwo = Datum.ofUnsorted(new Object[] {2L, 1L}, null);
        assertTrue(Datum.compare(Datum.EMPTY_SET, one) < 0);
        assertTrue(Datum.compare(one, Datum.EMPTY_SET) > 0);
        assertTrue(Datum.compare(one, two) < 0);
        assertTrue(Datum.compare(two, one) > 0);
        assertTrue(Datum.compare(two, oneAndTwo) < 0, "fewer elements first");
        assertTrue(Datum.compare(oneAndTwo, two) > 0);
        // UUIDs compare as unsigned numbers, as Open vSwitch's uuid_compare_3way.
        assertTrue(Datum.compare(Datum.of(U1), Datum.of(U2)) < 0);
        assertTrue(Datum.compare(Datum.of("B"), Datum.of("a")) < 0);
    }

    @Test
    void findInASetOfOneGivesTheInsertionPointsOfABinarySearch() {
        Datum five = Datum.of(5L);
        assertEquals(0, five.find(5L));
        assertEquals(-1, five.find(4L));
        assertEquals(-2, five.find(6L));
        assertEquals(Arrays.binarySearch(new Object[] {"m"}, "a", AtomicType::compare), Datum.of("m").find("a"));
        assertEquals(Arrays.binarySearch(new Object[] {"m"}, "z", AtomicType::compare), Datum.of("m").find("z"));
        assertThrows(IndexOutOfBoundsException.class, () -> five.key(1));
        assertThrows(NullPointerException.class, () -> five.value(0));
    }

    @Test
    void setOperationsMixRepresentations() throws Exception {
        Datum a = Datum.of("a");
        Datum ab = Datum.ofUnsorted(new Object[] {"b", "a"}, null);
        assertTrue(ab.includes(a));
        assertFalse(a.includes(ab));
        assertTrue(a.includes(a));
        assertFalse(ab.excludes(a));
        assertTrue(a.excludes(Datum.of("b")));
        assertEquals(ab, a.union(Datum.of("b")));
        assertEquals(Datum.of("b"), ab.minus(a));
        assertEquals(Datum.EMPTY_SET, a.minus(a));
        assertEquals(Datum.of("b"), a.diff(ab));
        // A difference applied is its own inverse, into and out of a set of one.
        assertEquals(ab, a.diff(a.diff(ab)));
        assertEquals(a, ab.diff(ab.diff(a)));
        assertEquals(Datum.of("c"), a.diff(a.diff(Datum.of("c"))));
    }

    @Test
    void valuesSurviveTheirWireForm() throws Exception {
        String[][] cases = {
                {"7", "\"integer\""},
                {"[\"set\",[]]", "{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}"},
                {"[\"set\",[1,2,3]]", "{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}"},
                {"\"x\"", "{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}"},
                {"[\"uuid\",\"" + U1 + "\"]", "\"uuid\""},
                {"[\"map\",[]]", "{\"key\":\"string\",\"value\":\"real\",\"min\":0,\"max\":\"unlimited\"}"},
                {"[\"map\",[[\"a\",1.5],[\"b\",2.5]]]",
                        "{\"key\":\"string\",\"value\":\"real\",\"max\":\"unlimited\"}"},
        };
        for (String[] c : cases) {
            Datum datum = parse(c[0], c[1]);
            assertEquals(c[0], datum.toString());
            assertEquals(datum, Datum.fromJson(datum.toJson(), type(c[1]), null));
        }
    }
}
