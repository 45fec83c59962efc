package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.Conditions;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Tiers;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorded server's database file is never ahead of its recording, even when the process is killed between the
 * write of a transaction and its reply. Holding the server at that instant takes {@code strace} (installed when
 * missing) and root, or passwordless sudo, to attach it.
 */
@Tag(Tiers.SYSTEM)
class DatabaseFileCommitIT {

    @TempDir
    Path tmp;

    @BeforeAll
    static void installStrace() throws Exception {
        Programs.ensureDebianPackages(() -> Programs.onPath("strace"), "strace");
    }

    /**
     * The database file is never ahead of the recording: a server killed right after it wrote a transaction to its
     * file, before it answered, replays to a file holding that transaction too. The server is held right after the
     * write, in the {@code fdatasync} of a durable commit ({@code strace} delays it), and killed there.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aServerKilledRightAfterADatabaseWriteReplaysEveryTransactionItsFileHolds() throws Exception {
        Path dir = tmp.resolve("held");
        Files.createDirectories(dir);
        Path db = ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        long written = Files.size(db);
        List<String> args = List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"),
                "--control=" + dir.resolve("ctl"));
        List<String> recordArgs = new ArrayList<>(args);
        recordArgs.add("--replay-record=recording");
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), recordArgs)) {
            server.awaitLine("serving");
            Process strace = Programs.startAsRoot(List.of("strace", "-f", "-qq", "-p", Long.toString(server.pid()),
                    "-e", "trace=fsync,fdatasync", "-e", "inject=fsync,fdatasync:delay_enter=20000000"),
                    dir.resolve("strace.out"));
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                Conditions.await(() -> traced(server.pid()), t -> t, 30, "strace to trace every thread of the server");
                client.connect(UnixDomainSocketAddress.of(dir.resolve("db.sock")));
                client.write(ByteBuffer.wrap(("{\"method\":\"transact\",\"params\":[\"kvdb\",{\"op\":\"insert\","
                        + "\"table\":\"kv\",\"row\":{\"name\":\"held\",\"value\":7}},{\"op\":\"commit\","
                        + "\"durable\":true}],\"id\":1}").getBytes(StandardCharsets.UTF_8)));
                Conditions.await(() -> Files.size(db), size -> size > written, 30, "the transaction in " + db);
                // Written, and held in its fdatasync before the reply: killed now. It dies once strace lets go.
                server.process().destroyForcibly();
            } finally {
                strace.descendants().forEach(ProcessHandle::destroyForcibly);
                strace.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            server.kill();
        }
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(db);
        assertEquals(2, recorded.size(), "the killed server's file holds the schema and the transaction");

        ServerProcess.restoreDatabase(dir);
        List<String> replayArgs = new ArrayList<>(args);
        replayArgs.add("--replay=recording");
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), replayArgs, 120);
        String output = Files.readString(dir.resolve("replay.out"));
        assertEquals(0, status, output);
        assertTrue(output.contains("the recorded process was killed or crashed here"), output);
        assertEquals(recorded, DatabaseFile.recordsWithoutDates(db),
                "the replayed file holds every transaction the killed server's file held");
    }

    /** Whether every thread of process {@code pid} is traced. */
    private static boolean traced(long pid) throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String status;
                try {
                    status = Files.readString(task.resolve("status"));
                } catch (IOException e) {
                    continue; // a thread that ended
                }
                if (status.contains("TracerPid:\t0\n")) {
                    return false;
                }
            }
        }
        return true;
    }
}
