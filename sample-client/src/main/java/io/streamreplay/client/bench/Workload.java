package io.streamreplay.client.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.jsonrpc.Json;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The transactions one bench connection sends, on table {@code kv} ({@code name} string, {@code value} integer,
 * unique index on {@code name}): the {@code standard} preset, the {@code uuid} preset (the same transactions with
 * rows addressed by {@code _uuid}), or a weighted mix of insert, update, delete, select and mutate on the rows this
 * connection inserted.
 *
 * <p>Deterministic for a given connection, seed, mix and replies, so a replay sends the same. Not thread-safe.
 */
public final class Workload {

    /** The operations a mix may weigh. */
    public static final List<String> OPERATIONS = List.of("insert", "update", "delete", "select", "mutate");

    /**
     * What the {@code uuid} preset addresses when the insert it refers to failed: a UUID no row has, so the update
     * or delete matches nothing (and is not an error), as the standard preset's {@code name ==} would.
     */
    static final String NO_ROW = "00000000-0000-0000-0000-000000000000";

    private enum Addressing {
        NAME, UUID
    }

    private final String db;
    private final String prefix;
    private final boolean standard;
    /** How the preset's updates and deletes find their row; null for a mix. */
    private final Addressing addressing;
    /**
     * For the {@code uuid} preset: the UUID each answered insert created, by transaction number, until the update
     * or delete that addresses it takes it out; {@link #NO_ROW} for an insert that failed.
     */
    private final Map<Integer, String> inserted = new HashMap<>();
    private final int[] weights;
    private final int totalWeight;
    private final SplittableRandom random;
    private final Deque<String> live = new ArrayDeque<>();
    private int next;

    private Workload(String db, String prefix, Addressing addressing, int[] weights, long seed) {
        this.db = db;
        this.prefix = prefix;
        this.standard = addressing != null;
        this.addressing = addressing;
        this.weights = weights;
        this.totalWeight = weights == null ? 0 : java.util.Arrays.stream(weights).sum();
        this.random = new SplittableRandom(seed);
    }

    /**
     * The standard workload of connection {@code c}: its j-th transaction is, by {@code j % 4}, an insert of
     * {@code {name: "c<c>-<j>", value: j}} (0 and 1), an update of {@code value = -j} (2) and a delete (3) of the
     * row named {@code "c<c>-<j-2>"}.
     */
    public static Workload standard(String db, int connection) {
        return new Workload(db, "c" + connection + "-", Addressing.NAME, null, 0);
    }

    /**
     * The {@code uuid} preset of connection {@code c}: the standard workload's transactions, but its updates and
     * deletes address the row by {@code ["_uuid", "==", ["uuid", U]]}, U learnt from the reply to the insert that
     * created it (both sample-db-server and Open vSwitch's ovsdb-server look such a row up directly, where a
     * {@code name ==} condition makes ovsdb-server scan the table). Such a transaction is {@link #ready()} only once
     * that reply has been {@link #answered}.
     */
    public static Workload uuid(String db, int connection) {
        return new Workload(db, "c" + connection + "-", Addressing.UUID, null, 0);
    }

    /** A weighted mix; rows are named {@code <run>-<connection>-<n>} so that runs do not collide. */
    public static Workload mix(String db, String run, int connection, Map<String, Integer> mix, long seed) {
        int[] weights = new int[OPERATIONS.size()];
        for (int i = 0; i < OPERATIONS.size(); i++) {
            weights[i] = mix.getOrDefault(OPERATIONS.get(i), 0);
        }
        return new Workload(db, run + "-" + connection + "-", null, weights, seed + connection);
    }

    /**
     * Parses {@code insert=2,update=1,...}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Map<String, Integer> parseMix(String text) {
        Map<String, Integer> mix = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            String[] parts = item.split("=", 2);
            if (parts.length != 2 || !OPERATIONS.contains(parts[0].trim())) {
                throw new IllegalArgumentException("bad mix item '" + item + "': use OPERATION=WEIGHT with"
                        + " OPERATION one of insert, update, delete, select, mutate");
            }
            int weight;
            try {
                weight = Integer.parseInt(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad weight in mix item '" + item + "'");
            }
            if (weight < 0) {
                throw new IllegalArgumentException("negative weight in mix item '" + item + "'");
            }
            mix.put(parts[0].trim(), weight);
        }
        if (mix.values().stream().mapToInt(Integer::intValue).sum() == 0) {
            throw new IllegalArgumentException("the mix has no operation with a positive weight");
        }
        return mix;
    }

    /**
     * Whether {@link #next()} may be called: always, except in the {@code uuid} preset while the next transaction
     * addresses a row whose insert has not been {@link #answered} yet.
     */
    public boolean ready() {
        return addressing != Addressing.UUID || next % 4 < 2 || inserted.containsKey(next - 2);
    }

    /**
     * Tells the workload the outcome of its transaction number {@code j} (the j-th {@link #next()}, from 0): the
     * reply's result, or null if it failed or was lost. The {@code uuid} preset learns its rows' UUIDs from it; the
     * other workloads ignore it.
     */
    public void answered(long j, JsonNode result) {
        if (addressing != Addressing.UUID || j % 4 > 1) {
            return;
        }
        JsonNode uuid = result == null ? null : result.path(0).path("uuid");
        inserted.put((int) j, uuid != null && uuid.isArray() && uuid.path(1).isTextual() ? uuid.get(1).asText()
                : NO_ROW);
    }

    /**
     * The params of the next {@code transact} request.
     *
     * @throws IllegalStateException if it is not {@link #ready()}
     */
    public ArrayNode next() {
        if (!ready()) {
            throw new IllegalStateException("transaction " + next + " addresses a row whose insert is unanswered");
        }
        int j = next++;
        ObjectNode op = Json.NODES.objectNode().put("table", "kv");
        if (standard) {
            switch (j % 4) {
                case 0, 1 -> insert(op, prefix + j, j);
                case 2 -> row(op.put("op", "update"), j - 2).putObject("row").put("value", -j);
                default -> row(op.put("op", "delete"), j - 2);
            }
            return Json.array(db, op);
        }
        String operation = live.isEmpty() ? "insert" : pick();
        switch (operation) {
            case "insert" -> {
                String name = prefix + j;
                insert(op, name, j);
                live.addLast(name);
            }
            case "update" -> where(op.put("op", "update"), rotate()).putObject("row").put("value", -j);
            case "delete" -> where(op.put("op", "delete"), live.pollFirst());
            case "select" -> where(op.put("op", "select"), rotate());
            default -> where(op.put("op", "mutate"), rotate()).putArray("mutations").addArray().add("value")
                    .add("+=").add(1);
        }
        return Json.array(db, op);
    }

    private String pick() {
        int ticket = random.nextInt(totalWeight);
        for (int i = 0; i < weights.length; i++) {
            ticket -= weights[i];
            if (ticket < 0) {
                return OPERATIONS.get(i);
            }
        }
        return OPERATIONS.get(0);
    }

    /** The oldest live row, moved to the back so that successive operations spread over the rows. */
    private String rotate() {
        String name = live.pollFirst();
        live.addLast(name);
        return name;
    }

    private static void insert(ObjectNode op, String name, long value) {
        op.put("op", "insert").putObject("row").put("name", name).put("value", value);
    }

    /** Adds the condition that finds the row transaction {@code j} inserted, by the preset's addressing. */
    private ObjectNode row(ObjectNode op, int j) {
        if (addressing == Addressing.NAME) {
            return where(op, prefix + j);
        }
        op.putArray("where").addArray().add("_uuid").add("==").add(Json.array("uuid", inserted.remove(j)));
        return op;
    }

    private static ObjectNode where(ObjectNode op, String name) {
        op.putArray("where").addArray().add("name").add("==").add(name);
        return op;
    }
}
