package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OpenVswitchTools;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Tiers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting on a database file whose end is bad, with real processes and Open vSwitch's {@code ovsdb-tool} as the
 * judge of the file: a last record that reads well but cannot be applied is logged, cut off, kept in a side file the
 * log names, and the server serves what precedes it (as Open vSwitch's own test "truncating database log with bad
 * transaction" expects); a damaged length is damage, and the server refuses to start, touching nothing. In the
 * system tier: it installs Open vSwitch's tools when they are missing.
 */
@Tag(Tiers.SYSTEM)
class DamagedDatabaseIT {

    /** Open vSwitch's reproducer: a record of a table that does not exist, with the right length and SHA-1. */
    private static final String BAD_TRANSACTION = """
            OVSDB JSON 15 ffbcdae4b0386265f9ea3280dd7c8f0b72a20e56
            {"invalid":{}}
            """;

    @TempDir
    Path dir;
    private List<String> args;

    @BeforeEach
    void createDatabase() throws Exception {
        OpenVswitchTools.ensureInstalled();
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        args = List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"), "--control=" + dir.resolve("ctl"));
    }

    @Test
    void aLastRecordThatCannotBeAppliedIsLoggedCutOffKeptAsideAndTheServerServes() throws Exception {
        transactAndExit("first.out", "zero");
        Files.writeString(dir.resolve("kv.db"), BAD_TRANSACTION, StandardOpenOption.APPEND);

        String console;
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("second.out"), args)) {
            server.awaitLine("serving");
            try (OvsdbTestClient client = client()) {
                assertEquals(List.of("zero"), names(client));
                insert(client, "one");
            }
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
            console = server.consoleText();
        }
        Path side = dir.resolve("kv.db.discarded-1");
        assertTrue(console.contains("|WARN |DatabaseFile|kv.db: the last record, at offset ")
                && console.contains(", cannot be applied (syntax error: unknown table invalid); it was cut off the file"
                        + " and kept in " + side.getFileName() + "; the file is loaded up to it (1 transactions)"),
                console);
        assertEquals(1, console.lines().filter(l -> l.contains("|WARN |") || l.contains("|ERROR|")).count(),
                "one line:\n" + console);
        assertEquals(BAD_TRANSACTION, Files.readString(side), "the discarded record, byte for byte");

        Programs.Result log = Programs.exec(dir, List.of("ovsdb-tool", "show-log", "kv.db"), 30);
        assertEquals(0, log.status(), log.output());
        assertEquals(3, log.output().lines().filter(l -> l.matches("record \\d+:.*")).count(),
                "the schema and both transactions, as ovsdb-tool reads them:\n" + log.output());

        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("third.out"), args)) {
            server.awaitLine("serving");
            try (OvsdbTestClient client = client()) {
                assertEquals(List.of("one", "zero"), names(client));
            }
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
            assertFalse(server.consoleText().contains("|WARN |"), "nothing to discard any more:\n"
                    + server.consoleText());
        }
        assertFalse(Files.exists(dir.resolve("kv.db.discarded-2")));
    }

    @Test
    void aDamagedLengthBeforeTheEndIsRefusedInOneLineAndTheFileIsLeftWhole() throws Exception {
        String[] rows = new String[50];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i + "-" + "x".repeat(1000);
        }
        transactAndExit("fill.out", rows);
        Path db = dir.resolve("kv.db");
        byte[] bytes = Files.readAllBytes(db);
        int offset = recordOffset(bytes, 46);
        int firstDigit = offset + "OVSDB JSON ".length();
        assertTrue(bytes[firstDigit] < '9' && bytes[firstDigit + 3] != ' ', "a length of four digits or more");
        bytes[firstDigit] = '9';
        Files.write(db, bytes);

        assertEquals(1, ServerProcess.run(dir, dir.resolve("damaged.out"), args, 30));
        String console = Files.readString(dir.resolve("damaged.out"));
        List<String> problems = console.lines().filter(l -> l.contains("|ERROR|") || l.contains("|WARN |")).toList();
        assertEquals(1, problems.size(), console);
        assertTrue(problems.get(0).endsWith("kv.db: bad record at offset " + offset + ": the record's length 9"
                + new String(bytes, firstDigit + 1, 3, StandardCharsets.US_ASCII) + " runs past the end of the"
                + " file, but whole lines follow its header, and more data follows; refusing to open a damaged"
                + " database"), problems.get(0));
        assertArrayEquals(bytes, Files.readAllBytes(db), "records 46 to 50 are still in the file");
    }

    /** Starts the server, inserts a row per name, one transaction each, and exits. */
    private void transactAndExit(String console, String... names) throws Exception {
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve(console), args)) {
            server.awaitLine("serving");
            try (OvsdbTestClient client = client()) {
                for (String name : names) {
                    insert(client, name);
                }
            }
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
        }
    }

    private OvsdbTestClient client() throws Exception {
        return OvsdbTestClient.connect("unix:" + dir.resolve("db.sock"), TlsConfig.none());
    }

    private static void insert(OvsdbTestClient client, String name) throws Exception {
        JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":"
                + "{\"name\":\"" + name + "\"}}"));
        assertEquals(1, result.size(), result.toString());
    }

    private static List<String> names(OvsdbTestClient client) throws Exception {
        JsonNode rows = client.call("transact", "kvdb", Json.parse("{\"op\":\"select\",\"table\":\"kv\",\"where\":[],"
                + "\"columns\":[\"name\"]}")).get(0).get("rows");
        return rows.findValuesAsText("name").stream().sorted().toList();
    }

    /** The offset of record {@code n} (0 being the schema): each record is a header line and a data line. */
    private static int recordOffset(byte[] bytes, int n) {
        int offset = 0;
        for (int newlines = 0; newlines < 2 * n; offset++) {
            if (bytes[offset] == '\n') {
                newlines++;
            }
        }
        return offset;
    }
}
