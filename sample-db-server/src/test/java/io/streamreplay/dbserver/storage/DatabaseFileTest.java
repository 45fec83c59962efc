package io.streamreplay.dbserver.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.data.UuidGenerator;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.dbserver.txn.Executor;
import io.streamreplay.dbserver.txn.PreparedTransaction;
import io.streamreplay.jsonrpc.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone file: what is written is read back, damage is told apart from a torn tail, a bad tail is cut off
 * but kept in a side file, compaction keeps data.
 */
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
        Executor.Outcome outcome = new Executor(file.database(), uuids, false, lock -> false, 0).execute(ops);
        PreparedTransaction txn = outcome.prepared();
        if (txn != null) {
            file.write(txn.changes(), txn.comment(), 1000, txn.durable());
            file.database().apply(txn.changes());
        }
        JsonNode results = outcome.results();
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
    void aTornLastRecordIsCutOffButKeptInASideFile() throws Exception {
        Path path = create();
        writeSample(path);
        byte[] whole = Files.readAllBytes(path);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(whole.length - 10);
        }
        long lastRecord = lastRecordOffset(whole);
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            assertEquals(2, file.database().table("kv").size(), "the delete of b was torn off");
            assertEquals(lastRecord, Files.size(path), "the file ends with its last whole record");
            assertArrayEquals(Arrays.copyOfRange(whole, (int) lastRecord, whole.length - 10),
                    Files.readAllBytes(dir.resolve("kv.db.discarded-1")), "what was cut off is kept, byte for byte");
            transact(file, "{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"c\",\"value\":3}}");
        }
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            assertEquals(List.of("\"a\"", "\"b\"", "\"c\""), List.copyOf(contents(file.database()).keySet()));
        }
        assertTrue(Files.notExists(dir.resolve("kv.db.discarded-2")), "a file that ends well is opened as it is");
    }

    @Test
    void aWellFormedLastRecordThatCannotBeAppliedIsDiscardedKeptAsideAndTheRestServed() throws Exception {
        // Open vSwitch's "truncating database log with bad transaction" (ovsdb-server.at): it logs and discards it.
        Path path = create();
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            transact(file, "{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"zero\",\"value\":0}}");
        }
        long good = Files.size(path);
        String bad = "OVSDB JSON 15 ffbcdae4b0386265f9ea3280dd7c8f0b72a20e56\n{\"invalid\":{}}\n";
        Files.writeString(path, bad, StandardOpenOption.APPEND);
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            assertEquals(List.of("\"zero\""), List.copyOf(contents(file.database()).keySet()));
            assertEquals(good, Files.size(path));
            assertEquals(bad, Files.readString(dir.resolve("kv.db.discarded-1")));
            transact(file, "{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"one\",\"value\":1}}");
        }
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            assertEquals(List.of("\"one\"", "\"zero\""), List.copyOf(contents(file.database()).keySet()));
        }
        assertEquals(3, DatabaseFile.recordsWithoutDates(path).size(), "schema and two transactions");
    }

    @Test
    void aRecordThatCannotBeAppliedWithMoreRecordsAfterItIsDamage() throws Exception {
        Path path = create();
        writeSample(path);
        String bad = "OVSDB JSON 15 ffbcdae4b0386265f9ea3280dd7c8f0b72a20e56\n{\"invalid\":{}}\n";
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        lines.addAll(4, List.of(bad.split("\n")));
        Files.write(path, lines, StandardCharsets.UTF_8);
        byte[] before = Files.readAllBytes(path);
        OvsdbException e = assertThrows(OvsdbException.class, () -> DatabaseFile.open(path, uuids));
        assertTrue(e.details().startsWith(path + ": transaction record 2 cannot be applied: "), e.details());
        assertArrayEquals(before, Files.readAllBytes(path), "a damaged file is left as it is");
    }

    @Test
    void aDamagedLengthIsDamageNotATornLastWrite() throws Exception {
        // A 50-transaction file whose record 46 has the first digit of its length changed to 9.
        Path path = create();
        try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
            for (int i = 0; i < 50; i++) {
                transact(file, "{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"r" + i + "-" + "x".repeat(1000)
                        + "\"}}");
            }
        }
        byte[] bytes = Files.readAllBytes(path);
        long offset = recordOffset(bytes, 46);
        int firstDigit = (int) offset + "OVSDB JSON ".length();
        assertTrue(bytes[firstDigit] < '9' && bytes[firstDigit + 2] != ' ', "a length of three digits or more");
        bytes[firstDigit] = '9';
        Files.write(path, bytes);
        OvsdbException e = assertThrows(OvsdbException.class, () -> DatabaseFile.open(path, uuids));
        assertEquals(path + ": bad record at offset " + offset + ": the record's length runs past the end of the"
                + " file, but whole lines follow its header, and more data follows; refusing to open a damaged"
                + " database", e.details().replaceFirst("length \\d+ runs", "length runs"));
        assertArrayEquals(bytes, Files.readAllBytes(path), "records 46 to 50 are still there");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> f.toString().contains("discarded")).count());
        }
    }

    @Test
    void lengthsBeyondTheFileAreCheckedBeforeAnythingIsAllocated() throws Exception {
        Path path = create();
        writeSample(path);
        byte[] good = Files.readAllBytes(path);
        for (String length : List.of("9999999999", "2147483647", "1999999999")) {
            Files.write(path, good);
            String torn = "OVSDB JSON " + length + " ffbcdae4b0386265f9ea3280dd7c8f0b72a20e56\n{\"kv\":";
            Files.writeString(path, torn, StandardOpenOption.APPEND);
            try (DatabaseFile file = DatabaseFile.open(path, uuids)) {
                assertEquals(1, file.database().table("kv").size(), length + ": a torn last record");
            }
            assertEquals(good.length, Files.size(path));

            Files.write(path, good);
            Files.writeString(path, torn + "\n" + new String(good, StandardCharsets.UTF_8).lines().skip(2)
                    .limit(2).reduce("", (a, b) -> a + b + "\n"), StandardOpenOption.APPEND);
            OvsdbException e = assertThrows(OvsdbException.class, () -> DatabaseFile.open(path, uuids));
            assertTrue(e.details().contains("runs past the end of the file, but whole lines follow"), e.details());
        }
    }

    /** The offset of record {@code n} (0 being the schema) in a file's bytes. */
    private static long recordOffset(byte[] bytes, int n) {
        int offset = 0;
        for (int record = 0; record < n; record++) {
            offset = indexOf(bytes, '\n', offset) + 1;
            offset = indexOf(bytes, '\n', offset) + 1;
        }
        return offset;
    }

    private static long lastRecordOffset(byte[] bytes) {
        long last = 0;
        for (int n = 0;; n++) {
            long offset = recordOffset(bytes, n);
            if (offset >= bytes.length) {
                return last;
            }
            last = offset;
        }
    }

    private static int indexOf(byte[] bytes, char c, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == c) {
                return i;
            }
        }
        return bytes.length;
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
