package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterClient;
import io.streamreplay.testing.CounterServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory a process records into: an earlier recording there is kept (moved into {@code previous-N}), never
 * deleted; a directory that is not a recording's, or that others could change, is refused; nothing in it is opened
 * through a symbolic link.
 */
class RecordingDirectoryTest {

    private static final String PROGRAM = "counter-server";

    @TempDir
    Path tmp;

    /** Records a server that serves one client {@code adds} additions, then exits; returns what it saw. */
    private List<String> recordOnce(Path dir, int adds) throws Exception {
        List<String> remotes = List.of("punix:" + tmp.resolve("s.sock"));
        Path control = tmp.resolve("s.ctl");
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, remotes);
        CounterServer server = new CounterServer(recording, TransportRegistry.standard(TlsConfig.none()), remotes,
                control);
        Thread thread = new Thread(server::runUntilExit, "recorded-server");
        thread.start();
        TransportRegistry streams = TransportRegistry.standard(TlsConfig.none());
        try (CounterClient client = new CounterClient(streams, PollLoop.live(), "unix:" + tmp.resolve("s.sock"))) {
            client.standardSession(adds);
        }
        try (CounterClient admin = new CounterClient(streams, PollLoop.live(), "unix:" + control)) {
            admin.call("exit");
        }
        thread.join(30_000);
        recording.close();
        return server.events();
    }

    private List<String> replay(Path dir) throws Exception {
        ReplayContext replay = ReplayContext.replay(dir, PROGRAM);
        CounterServer server = new CounterServer(replay, TransportRegistry.standard(TlsConfig.none()),
                List.of("punix:" + tmp.resolve("s.sock")), tmp.resolve("s.ctl"));
        server.runUntilExit();
        replay.close();
        return server.events();
    }

    @Test
    void recordingAgainIntoTheSameDirectoryKeepsEachEarlierRecordingInANumberedSubdirectory() throws Exception {
        Path dir = tmp.resolve("recording");
        List<String> first = recordOnce(dir, 1);
        List<String> second = recordOnce(dir, 2);
        List<String> third = recordOnce(dir, 3);

        Set<String> names = names(dir);
        assertTrue(names.containsAll(Set.of("manifest.json", "previous-1", "previous-2")), names.toString());
        assertFalse(names.contains("previous-3") || names.contains(".lock"), names.toString());
        assertEquals(third, replay(dir), "the directory holds the latest recording");
        assertEquals(first, replay(dir.resolve("previous-1")), "the first is kept whole");
        assertEquals(second, replay(dir.resolve("previous-2")), "and so is the second");
        assertEquals(Set.of(), names(dir.resolve("previous-1")).stream().filter(n -> n.startsWith("previous-"))
                .collect(Collectors.toSet()), "earlier recordings are not nested");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("previous-2"))), "and stay readable by their owner only");
    }

    @Test
    void theRecordingOfAKilledProcessLockFileAndReserveIncludedIsMovedAsideWhole() throws Exception {
        Path dir = tmp.resolve("recording");
        List<String> first = recordOnce(dir, 1);
        // What a killed recorder leaves: its manifest still says recording, its lock file is there (unlocked).
        Manifest manifest = Manifest.read(dir);
        manifest.withEnd(Manifest.RECORDING, 0, null).write(dir);
        Files.createFile(dir.resolve(".lock"));
        Set<String> before = names(dir);

        recordOnce(dir, 2);
        Set<String> kept = names(dir.resolve("previous-1"));
        before.remove(".lock");
        assertEquals(before, kept, "every file of the earlier recording, the manifest's reserve included");
        assertEquals("recording", Manifest.read(dir.resolve("previous-1")).status());
        assertEquals(first, replay(dir.resolve("previous-1")), "and it replays");
    }

    @Test
    void aDirectoryHoldingFilesThatAreNotARecordingIsRefusedAndLeftAsItIs() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("work"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.writeString(dir.resolve("kv.db"), "precious");
        IOException refused = assertThrows(IOException.class, () -> ReplayContext.record(dir, PROGRAM, List.of()));
        assertEquals(dir + ": the directory holds files that are not a recording's (kv.db); record into a directory"
                + " of its own", refused.getMessage());
        assertEquals(Set.of("kv.db"), names(dir));
        assertEquals("precious", Files.readString(dir.resolve("kv.db")));
    }

    @Test
    void aDirectoryOthersCanWriteToOrAFileIsRefused() throws Exception {
        for (String mode : List.of("rwxrwxrwx", "rwxr-xrwx", "rwx----w-")) {
            Path dir = Files.createDirectory(tmp.resolve("open-" + mode));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
            IOException refused = assertThrows(IOException.class, () -> ReplayContext.record(dir, PROGRAM,
                    List.of()));
            assertEquals(dir + ": refusing to record into a directory that others can write to (mode " + mode
                    + "); take their write permission away (chmod o-w)", refused.getMessage());
            assertEquals(Set.of(), names(dir), "nothing is created in it");
        }
        Path shared = Files.createDirectory(tmp.resolve("group"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwx---"));
        try (ReplayContext accepted = ReplayContext.record(shared, PROGRAM, List.of())) {
            assertEquals(null, accepted.recordingFailure(), "a directory its group can write to, as umask 002 makes");
        }
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertEquals(file + ": not a directory", assertThrows(IOException.class,
                () -> ReplayContext.record(file, PROGRAM, List.of())).getMessage());
    }

    @Test
    void noFileInTheDirectoryIsOpenedThroughASymbolicLink() throws Exception {
        Path outside = tmp.resolve("outside");
        Files.createDirectory(outside);
        Path victim = Files.writeString(outside.resolve("victim"), "untouched");

        Path dir = Files.createDirectory(tmp.resolve("links"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(dir.resolve("manifest.json.tmp"), victim);
        recordOnce(dir, 1);
        assertEquals("untouched", Files.readString(victim), "the link was moved aside with the rest, not followed");
        assertTrue(Files.isSymbolicLink(dir.resolve("previous-1").resolve("manifest.json.tmp")));
        assertTrue(Files.isRegularFile(dir.resolve("manifest.json.tmp"), LinkOption.NOFOLLOW_LINKS),
                "the new reserve is a file of its own");

        Path locked = Files.createDirectory(tmp.resolve("lock-link"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(locked.resolve(".lock"), outside.resolve("created-through-the-link"));
        try (ReplayContext failed = ReplayContext.record(locked, PROGRAM, List.of())) {
            assertTrue(failed.recordingFailure().getMessage().startsWith("cannot lock the directory, and records"
                    + " nothing there: " + locked.resolve(".lock") + ": "), failed.recordingFailure().getMessage());
        }
        assertFalse(Files.exists(outside.resolve("created-through-the-link")), "no file is created through a link");
        assertEquals(Set.of(".lock"), names(locked), "and nothing is written in the directory");
    }

    @Test
    void aLinkOfTheRecordersOwnToASafeDirectoryIsUsed() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        List<String> recorded = recordOnce(link, 1);
        assertEquals(recorded, replay(real));
    }

    private static Set<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
