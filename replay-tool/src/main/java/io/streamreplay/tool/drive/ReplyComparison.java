package io.streamreplay.tool.drive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a live JSON-RPC reply or notification with the recorded one, after normalisation:
 * <ul>
 *   <li>UUIDs: the target makes its own. A UUID where the recording has one is the same if it is the target's UUID
 *   for that recorded one: the first time a recorded UUID appears, the live UUID in its place becomes its
 *   counterpart ({@link UuidMap}), and must be so everywhere after.</li>
 *   <li>Rows keyed by UUID (OVSDB's table updates, RFC 7047 section 4.1.6) are matched by content, and the
 *   elements of an OVSDB set or map ({@code ["set", [...]]}, {@code ["map", [...]]}, RFC 7047 section 5.1) in any
 *   order: servers order them by their UUIDs, which differ.</li>
 *   <li>Volatile members (by name, at any depth) are not compared; nor is the top-level {@code id}, by which replies
 *   are matched already.</li>
 * </ul>
 * Without normalisation, the texts must be equal as JSON (member order aside); UUIDs are still matched up, so that
 * requests can be rewritten, but any difference counts. Not thread-safe.
 */
final class ReplyComparison {

    /** Where the first difference is, and the two values there ({@link MissingNode} for an absent one). */
    record Difference(String path, JsonNode expected, JsonNode actual) {
    }

    private static final int UUID_HASH = 0x5bd1e995;

    private final UuidMap uuids;
    private final Set<String> volatileFields;
    private final boolean normalize;

    ReplyComparison(UuidMap uuids, Set<String> volatileFields, boolean normalize) {
        this.uuids = uuids;
        this.volatileFields = Set.copyOf(volatileFields);
        this.normalize = normalize;
    }

    /**
     * Compares {@code live} with {@code recorded}, learning the UUIDs they pair up.
     *
     * @return null if they are the same after normalisation, else the first difference
     */
    Difference compare(JsonNode recorded, JsonNode live) {
        Difference difference = alignMembers(recorded, live, "$", true);
        if (difference == null && !normalize) {
            difference = exact(recorded, live, "$");
        }
        return difference;
    }

    /**
     * Compares two values (a row, a notification's parameters) as {@link #compare} compares messages, but with every
     * member compared, {@code id} included.
     *
     * @return null if they are the same after normalisation, else the first difference
     */
    Difference compareValues(JsonNode recorded, JsonNode live) {
        Difference difference = align(recorded, live, "$");
        if (difference == null && !normalize) {
            difference = exact(recorded, live, "$");
        }
        return difference;
    }

    private Difference align(JsonNode recorded, JsonNode live, String path) {
        if (recorded.isTextual() && live.isTextual()) {
            String r = recorded.asText();
            String l = live.asText();
            if (UuidMap.isUuid(r) && UuidMap.isUuid(l)) {
                return uuids.bind(r, l) ? null : new Difference(path, recorded, live);
            }
            return r.equals(l) ? null : new Difference(path, recorded, live);
        }
        if (recorded.isArray() && live.isArray()) {
            if (isCollection(recorded) && isCollection(live) && recorded.get(0).equals(live.get(0))) {
                return unordered(recorded.get(1), live.get(1), path + "[1]");
            }
            if (recorded.size() != live.size()) {
                return new Difference(path, recorded, live);
            }
            for (int i = 0; i < recorded.size(); i++) {
                Difference difference = align(recorded.get(i), live.get(i), path + "[" + i + "]");
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        if (recorded.isObject() && live.isObject()) {
            return alignMembers(recorded, live, path, false);
        }
        return recorded.equals(live) ? null : new Difference(path, recorded, live);
    }

    /** OVSDB's {@code ["set", [...]]} or {@code ["map", [...]]}. */
    private static boolean isCollection(JsonNode node) {
        return node.size() == 2 && node.get(1).isArray() && node.get(0).isTextual()
                && (node.get(0).asText().equals("set") || node.get(0).asText().equals("map"));
    }

    private Difference alignMembers(JsonNode recorded, JsonNode live, String path, boolean top) {
        if (!recorded.isObject() || !live.isObject()) {
            return align(recorded, live, path);
        }
        List<String> recordedUuids = new ArrayList<>();
        List<String> liveUuids = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        split(recorded, top, names, recordedUuids);
        split(live, top, names, liveUuids);
        for (String name : names) {
            if (!recorded.has(name) || !live.has(name)) {
                return new Difference(path, recorded, live); // other members: both objects say it best
            }
        }
        for (String name : names) {
            Difference difference = align(recorded.get(name), live.get(name), path + "." + name);
            if (difference != null) {
                return difference;
            }
        }
        if (recordedUuids.isEmpty() && liveUuids.isEmpty()) {
            return null;
        }
        return rowsByUuid(recorded, live, recordedUuids, liveUuids, path);
    }

    /** Sorts the compared members of {@code object} into named ones and UUID-keyed ones. */
    private void split(JsonNode object, boolean top, Set<String> names, List<String> uuidKeys) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            String name = it.next();
            if ((top && name.equals("id")) || (normalize && volatileFields.contains(name))) {
                continue;
            }
            if (UuidMap.isUuid(name)) {
                uuidKeys.add(name);
            } else {
                names.add(name);
            }
        }
    }

    /** Members keyed by UUID: those already paired by their key, the others by their content. */
    private Difference rowsByUuid(JsonNode recorded, JsonNode live, List<String> recordedKeys, List<String> liveKeys,
            String path) {
        if (recordedKeys.size() != liveKeys.size()) {
            return new Difference(path, recorded, live);
        }
        List<String> unpaired = new ArrayList<>();
        List<String> free = new ArrayList<>(liveKeys);
        for (String key : recordedKeys) {
            String counterpart = uuids.live(key);
            if (counterpart == null) {
                unpaired.add(key);
            } else if (!live.has(counterpart)) {
                return new Difference(path + "." + key, recorded.get(key), MissingNode.getInstance());
            } else {
                free.remove(counterpart);
                Difference difference = align(recorded.get(key), live.get(counterpart), path + "." + key);
                if (difference != null) {
                    return difference;
                }
            }
        }
        free.removeIf(uuids::isBoundLive);
        Map<Integer, List<String>> byContent = new HashMap<>();
        for (String key : free) {
            byContent.computeIfAbsent(blindHash(live.get(key)), k -> new ArrayList<>()).add(key);
        }
        for (String key : unpaired) {
            List<String> candidates = byContent.getOrDefault(blindHash(recorded.get(key)), List.of());
            String match = null;
            for (String candidate : candidates) {
                int mark = uuids.mark();
                if (uuids.bind(key, candidate) && align(recorded.get(key), live.get(candidate), path) == null) {
                    match = candidate;
                    break;
                }
                uuids.rollback(mark);
            }
            if (match == null) {
                return new Difference(path + "." + key, recorded.get(key), MissingNode.getInstance());
            }
            candidates.remove(match);
        }
        return null;
    }

    /** The elements of two OVSDB sets or maps, in any order. */
    private Difference unordered(JsonNode recorded, JsonNode live, String path) {
        if (recorded.size() != live.size()) {
            return new Difference(path, recorded, live);
        }
        Map<Integer, List<Integer>> byContent = new HashMap<>();
        for (int i = 0; i < live.size(); i++) {
            byContent.computeIfAbsent(blindHash(live.get(i)), k -> new ArrayList<>()).add(i);
        }
        for (int i = 0; i < recorded.size(); i++) {
            List<Integer> candidates = byContent.getOrDefault(blindHash(recorded.get(i)), List.of());
            Integer match = null;
            for (Integer candidate : candidates) {
                int mark = uuids.mark();
                if (align(recorded.get(i), live.get(candidate), path) == null) {
                    match = candidate;
                    break;
                }
                uuids.rollback(mark);
            }
            if (match == null) {
                return new Difference(path + "[" + i + "]", recorded.get(i), MissingNode.getInstance());
            }
            candidates.remove(match);
        }
        return null;
    }

    /**
     * A hash of {@code node} that two nodes equal after normalisation share: UUIDs all hash alike, members and the
     * elements of OVSDB sets and maps in any order, volatile members not at all.
     */
    int blindHash(JsonNode node) {
        if (node.isTextual()) {
            return UuidMap.isUuid(node.asText()) ? UUID_HASH : node.asText().hashCode();
        }
        if (node.isArray()) {
            boolean unordered = isCollection(node);
            int hash = unordered ? node.get(0).hashCode() : 1;
            JsonNode elements = unordered ? node.get(1) : node;
            int sum = 0;
            for (JsonNode element : elements) {
                if (unordered) {
                    sum += blindHash(element);
                } else {
                    hash = 31 * hash + blindHash(element);
                }
            }
            return hash + sum;
        }
        if (node.isObject()) {
            int sum = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> member = it.next();
                String name = member.getKey();
                if (normalize && volatileFields.contains(name)) {
                    continue;
                }
                int key = UuidMap.isUuid(name) ? UUID_HASH : name.hashCode();
                sum += key * 31 ^ blindHash(member.getValue());
            }
            return sum;
        }
        return node.hashCode();
    }

    /** The first place where the two differ as JSON, member order aside. */
    private static Difference exact(JsonNode recorded, JsonNode live, String path) {
        if (recorded.equals(live)) {
            return null;
        }
        if (recorded.isObject() && live.isObject()) {
            Set<String> names = new TreeSet<>();
            recorded.fieldNames().forEachRemaining(names::add);
            live.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (!recorded.has(name) || !live.has(name)) {
                    return new Difference(path, recorded, live);
                }
            }
            for (String name : names) {
                if (!recorded.get(name).equals(live.get(name))) {
                    return exact(recorded.get(name), live.get(name), path + "." + name);
                }
            }
        }
        if (recorded.isArray() && live.isArray() && recorded.size() == live.size()) {
            for (int i = 0; i < recorded.size(); i++) {
                if (!recorded.get(i).equals(live.get(i))) {
                    return exact(recorded.get(i), live.get(i), path + "[" + i + "]");
                }
            }
        }
        return new Difference(path, recorded, live);
    }
}
