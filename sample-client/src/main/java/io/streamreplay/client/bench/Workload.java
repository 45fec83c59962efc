package io.streamreplay.client.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.jsonrpc.Json;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The transactions one bench connection sends, on table {@code kv} ({@code name} string, {@code value} integer,
 * unique index on {@code name}): either the {@code standard} preset, or a weighted mix of insert, update, delete,
 * select and mutate on the rows this connection inserted.
 *
 * <p>Deterministic for a given connection, seed and mix, so a replay sends the same. Not thread-safe.
 */
public final class Workload {

    /** The operations a mix may weigh. */
    public static final List<String> OPERATIONS = List.of("insert", "update", "delete", "select", "mutate");

    private final String db;
    private final String prefix;
    private final boolean standard;
    private final int[] weights;
    private final int totalWeight;
    private final SplittableRandom random;
    private final Deque<String> live = new ArrayDeque<>();
    private int next;

    private Workload(String db, String prefix, boolean standard, int[] weights, long seed) {
        this.db = db;
        this.prefix = prefix;
        this.standard = standard;
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
        return new Workload(db, "c" + connection + "-", true, null, 0);
    }

    /** A weighted mix; rows are named {@code <run>-<connection>-<n>} so that runs do not collide. */
    public static Workload mix(String db, String run, int connection, Map<String, Integer> mix, long seed) {
        int[] weights = new int[OPERATIONS.size()];
        for (int i = 0; i < OPERATIONS.size(); i++) {
            weights[i] = mix.getOrDefault(OPERATIONS.get(i), 0);
        }
        return new Workload(db, run + "-" + connection + "-", false, weights, seed + connection);
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

    /** The params of the next {@code transact} request. */
    public ArrayNode next() {
        int j = next++;
        ObjectNode op = Json.NODES.objectNode().put("table", "kv");
        if (standard) {
            switch (j % 4) {
                case 0, 1 -> insert(op, prefix + j, j);
                case 2 -> where(op.put("op", "update"), prefix + (j - 2)).putObject("row").put("value", -j);
                default -> where(op.put("op", "delete"), prefix + (j - 2));
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

    private static ObjectNode where(ObjectNode op, String name) {
        op.putArray("where").addArray().add("name").add("==").add(name);
        return op;
    }
}
