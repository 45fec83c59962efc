package io.streamreplay.dbserver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.OvsdbException;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.dbserver.server.UuidGenerator;
import io.streamreplay.dbserver.txn.Executor;
import io.streamreplay.jsonrpc.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone file: what is written is read back, damage is told apart from a torn tail, compaction keeps data. */
class DatabaseFileTest {

    static final String SCHEMA = "{\"name\":\"kvdb\",\"tables\":{\"kv\":{\"columns\":{\"name\":{\"type\":\"string\"},"
            + "\"value\":{\"type\":\"integer\"},\"tags\":{\"type\":{\"key\":\"string\",\"value\":\"string\","
            + "\"min\":0,\"max\":\"unlimited\"}}},\"indexes\":[[\"name\"]]}}}";

    @TempDir
    Path dir;
    private final UuidGenerator uuids = new UuidGenerator(7);

    private Path create() throws Exception {
        Path path = dir.resolve("kv.db");
        DatabaseFile.create(path, DatabaseSchema.fromJson(Json.parse(SCHEMA)));
        return path;
    }

    private void transact(DatabaseFile file, String... operations) throws Exception {
        List<JsonNode> ops = new ArrayList<>();
        for (String op : operations) {
            ops.add(Json.parse(op));
        }
        JsonNode results = new Executor(file.database(), uuids, false, lock -> false, 0).execute(ops,
                (txn, changes) -> {
                    try {
                        file.write(changes, txn.comment(), 1000, txn.isDurable());
                    } catch (IOException e) {
                        throw new OvsdbException("I/O error", e.getMessage());
                    }
                    file.database().apply(changes);
                }).results();
        for (JsonNode result : results) {
            assertTrue(!result.has("error"), results.toString());
        }
    }

    /** The committed rows, by name, as text: what two loads of one file must agree on. */
    private static Map<String, String> contents(Database db) {
        TreeMap<String, String> rows = new TreeMap<>();
        Table table = db.table("kv");
        for (Row row : table.rows()) {
            rows.put(row.get(2).toString(), row.uuid() + " " + row.get(3) + " " + row.get(4));
        }
        return rows;
    }

    private void writeSample(Path path) throws Exception {
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            transact(file, "{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"a\",\"value\":1,"
                    + "\"tags\":[\"map\",[[\"x\",\"1\"],[\"y\",\"2\"]]]}}",
                    "{\"op\":\"comment\",\"comment\":\"first\"}");
            transact(file, "{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"b\",\"value\":2}}");
            transact(file, "{\"op\":\"mutate\",\"table\":\"kv\",\"where\":[[\"name\",\"==\",\"a\"]],\"mutations\":"
                    + "[[\"tags\",\"delete\",[\"set\",[\"x\"]]],[\"tags\",\"insert\",[\"map\",[[\"z\",\"3\"]]]],"
                    + "[\"value\",\"+=\",10]]}");
            transact(file, "{\"op\":\"delete\",\"table\":\"kv\",\"where\":[[\"name\",\"==\",\"b\"]]}");
        }
    }

    @Test
    void whatIsWrittenIsReadBackIncludingDiffsAndDeletes() throws Exception {
        Path path = create();
        writeSample(path);
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            Map<String, String> rows = contents(file.database());
            assertEquals(List.of("\"a\""), List.copyOf(rows.keySet()));
            assertTrue(rows.get("\"a\"").endsWith(" 11 [\"map\",[[\"y\",\"2\"],[\"z\",\"3\"]]]"), rows.toString());
        }
        String text = Files.readString(path);
        assertTrue(text.contains("\"_comment\":\"first\"") && text.contains("\"_is_diff\":true"), text);
        List<JsonNode> records = DatabaseFile.recordsWithoutDates(path);
        assertEquals(5, records.size(), "the schema and four transactions");
        assertTrue(records.stream().noneMatch(record -> record.has("_date")) && text.contains("\"_date\":1000"));
    }

    @Test
    void aTornLastRecordIsIgnoredAndOverwritten() throws Exception {
        Path path = create();
        writeSample(path);
        long size = Files.size(path);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(size - 10);
        }
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            assertEquals(2, file.database().table("kv").size(), "the delete of b was torn off");
            transact(file, "{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"c\",\"value\":3}}");
        }
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            assertEquals(List.of("\"a\"", "\"b\"", "\"c\""), List.copyOf(contents(file.database()).keySet()));
        }
    }

    @Test
    void damageBeforeTheEndRefusesToOpenNamingTheOffset() throws Exception {
        Path path = create();
        writeSample(path);
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        long offset = (lines.get(0) + "\n" + lines.get(1) + "\n").getBytes(StandardCharsets.UTF_8).length;
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.seek(offset + lines.get(2).length() + 5);
            file.write('X');
        }
        OvsdbException e = assertThrows(OvsdbException.class, () -> DatabaseFile.open(path, uuids));
        assertTrue(e.details().contains("bad record at offset " + offset) && e.details().contains("SHA-1"),
                e.details());
    }

    @Test
    void compactionKeepsEveryRowAndUuid() throws Exception {
        Path path = create();
        writeSample(path);
        Map<String, String> before;
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            before = contents(file.database());
            file.compact(2000, "compacting database online");
            transact(file, "{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"after\",\"value\":5}}");
        }
        assertEquals(6, Files.readAllLines(path).size(), "schema, snapshot and one transaction");
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            Map<String, String> after = contents(file.database());
            after.remove("\"after\"");
            assertEquals(before, after);
        }
    }

    @Test
    void automaticCompactionWaitsForTimeRecordsSizeAndGrowth() throws Exception {
        Path path = create();
        String big = "x".repeat(120_000);
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            assertTrue(!file.shouldCompact(0), "an empty file");
            for (int i = 0; i < 100; i++) {
                transact(file, "{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"" + i + big + "\"}}");
            }
            assertTrue(file.size() > DatabaseFile.COMPACT_MIN_BYTES);
            assertTrue(!file.shouldCompact(DatabaseFile.COMPACT_MIN_INTERVAL_MILLIS - 1), "too soon");
            assertTrue(file.shouldCompact(DatabaseFile.COMPACT_MIN_INTERVAL_MILLIS), "big, old and grown enough");
            file.compact(3000, "compacting database online");
            assertTrue(!file.shouldCompact(DatabaseFile.COMPACT_MIN_INTERVAL_MILLIS * 3),
                    "just compacted: the interval starts again");
        }
    }

    @Test
    @SuppressWarnings("try") // the resource is held open for the duration, not used
    void aSecondOpenOfTheSameFileIsRefused() throws Exception {
        Path path = create();
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            IOException e = assertThrows(IOException.class, () -> DatabaseFile.open(path, uuids));
            assertTrue(e.getMessage().contains("locked by another server"), e.getMessage());
        }
    }
}
