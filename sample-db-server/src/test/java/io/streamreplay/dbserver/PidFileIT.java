package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --pidfile}, written as Open vSwitch writes its pid files (a temporary file, then a rename): a symbolic link
 * at the path is replaced, never written through; a second server is refused while the first holds the file; a
 * stale file is replaced; the file goes at exit.
 */
class PidFileIT {

    @TempDir
    Path dir;

    @BeforeEach
    void createDatabase() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
    }

    private List<String> args(String db, String socket, String control) {
        return List.of(db, "--remote=punix:" + dir.resolve(socket), "--control=" + dir.resolve(control),
                "--pidfile=" + dir.resolve("server.pid"));
    }

    @Test
    void aLinkAtThePidFilesPathIsReplacedNotWrittenThrough() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "untouched\n");
        Files.createSymbolicLink(dir.resolve("server.pid"), victim);
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("server.out"), args("kv.db", "db.sock",
                "ctl"))) {
            server.awaitLine("serving \\[");
            assertFalse(Files.isSymbolicLink(dir.resolve("server.pid")));
            assertEquals(server.process().pid() + "\n", Files.readString(dir.resolve("server.pid")));
            assertEquals("untouched\n", Files.readString(victim));
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
        }
        assertFalse(Files.exists(dir.resolve("server.pid"), LinkOption.NOFOLLOW_LINKS), "removed at exit");
        assertEquals("untouched\n", Files.readString(victim));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> f.getFileName().toString().startsWith("server.pid.tmp")).count(),
                    "no temporary file is left");
        }
    }

    @Test
    void aSecondServerIsRefusedWhileTheFirstHoldsThePidFileAndAStaleOneIsReplaced() throws Exception {
        Files.copy(dir.resolve("kv.db"), dir.resolve("other.db"));
        Files.writeString(dir.resolve("server.pid"), "99999999\n");
        try (ServerProcess first = ServerProcess.start(dir, dir.resolve("first.out"), args("kv.db", "a.sock",
                "a.ctl"))) {
            first.awaitLine("serving \\[");
            String pid = first.process().pid() + "\n";
            assertEquals(pid, Files.readString(dir.resolve("server.pid")), "the stale file was replaced");

            assertEquals(1, ServerProcess.run(dir, dir.resolve("second.out"), args("other.db", "b.sock", "b.ctl"),
                    30));
            String second = Files.readString(dir.resolve("second.out"));
            assertTrue(second.contains("server.pid: the pid file is locked by another running server (pid "
                    + first.process().pid() + ")"), second);
            assertEquals(pid, Files.readString(dir.resolve("server.pid")), "the first server's file is kept");
            assertTrue(first.process().isAlive());
            first.requestExit(dir.resolve("a.ctl"));
            assertEquals(0, first.waitFor(30), first.consoleText());
        }
    }
}
