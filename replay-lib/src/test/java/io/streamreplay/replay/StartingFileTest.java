package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files a process starts from ({@link ReplayContext#startingFile}): recording keeps a copy with its size and
 * digest; a replay creates a missing file from the copy, takes a file in the recorded state as it is, and refuses
 * anything else before reading it, leaving it untouched, as it does a missing or damaged copy.
 */
class StartingFileTest {

    private static final byte[] START = "the database as the recorded run found it\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private Path recording;
    private Path live;

    /** Records a process that starts from {@code db} (then changes it, as a server does) and from a missing file. */
    @BeforeEach
    void record() throws Exception {
        recording = tmp.resolve("recording");
        live = tmp.resolve("db");
        Files.write(live, START);
        try (ReplayContext context = ReplayContext.record(recording, "starter", List.of("db"))) {
            assertEquals(live, context.startingFile(live));
            assertEquals(tmp.resolve("later"), context.startingFile(tmp.resolve("later")));
            Files.writeString(live, "changed by the recorded run\n");
        }
    }

    @Test
    void theRecordingKeepsAnOwnerOnlyCopyWithItsSizeAndDigest() throws Exception {
        Manifest manifest = Manifest.read(recording);
        assertEquals(2, manifest.startingFiles().size());
        Manifest.StartingFile db = manifest.startingFiles().get(0);
        assertEquals(live.toString(), db.path());
        assertEquals("start/db", db.copy());
        assertEquals(START.length, db.size());
        assertEquals(StartingFiles.measure(recording.resolve("start/db")).sha256(), db.sha256());
        assertArrayEquals(START, Files.readAllBytes(recording.resolve("start/db")), "the state at start");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                recording.resolve("start/db"))));
        assertEquals(-1, manifest.startingFiles().get(1).size(), "a file that did not exist is noted as such");
    }

    @Test
    void aReplayCreatesAMissingFileFromTheCopyAndTakesOneInTheRecordedStateAsItIs() throws Exception {
        Path fresh = tmp.resolve("fresh");
        try (ReplayContext replay = ReplayContext.replay(recording, "starter")) {
            assertEquals(fresh, replay.startingFile(fresh));
            assertEquals(tmp.resolve("later"), replay.startingFile(tmp.resolve("later")));
        }
        assertArrayEquals(START, Files.readAllBytes(fresh));

        Files.writeString(fresh.resolveSibling("restored"), new String(START, StandardCharsets.UTF_8));
        try (ReplayContext replay = ReplayContext.replay(recording, "starter")) {
            assertEquals(fresh.resolveSibling("restored"), replay.startingFile(fresh.resolveSibling("restored")));
        }
    }

    @Test
    void aReplayRefusesAFileInAnotherStateAndLeavesItUntouched() throws Exception {
        byte[] changed = Files.readAllBytes(live);
        try (ReplayContext replay = ReplayContext.replay(recording, "starter")) {
            StartingStateException e = assertThrows(StartingStateException.class, () -> replay.startingFile(live));
            assertTrue(e.getMessage().startsWith(live + " is not the file this recording started from (it has "
                    + changed.length + " bytes, SHA-256 "), e.getMessage());
            assertTrue(e.getMessage().endsWith("Give a path that does not exist in its place on the command line,"
                    + " and the replay starts there from the recording's copy (" + recording.resolve("start/db")
                    + ")"), e.getMessage());
        }
        assertArrayEquals(changed, Files.readAllBytes(live));

        Files.writeString(tmp.resolve("later"), "made since");
        try (ReplayContext replay = ReplayContext.replay(recording, "starter")) {
            replay.startingFile(tmp.resolve("other"));
            StartingStateException e = assertThrows(StartingStateException.class,
                    () -> replay.startingFile(tmp.resolve("later")));
            assertTrue(e.getMessage().contains("exists, but the recording started without it"), e.getMessage());
        }
    }

    @Test
    void aMissingOrDamagedCopyIsNamedAndLeavesNoHalfMadeFile() throws Exception {
        Path copy = recording.resolve("start/db");
        byte[] bytes = Files.readAllBytes(copy);
        bytes[3] ^= 1;
        Files.write(copy, bytes);
        try (ReplayContext replay = ReplayContext.replay(recording, "starter")) {
            StartingStateException e = assertThrows(StartingStateException.class,
                    () -> replay.startingFile(tmp.resolve("a")));
            assertEquals(copy + ", the recording's copy of " + live + ", is damaged (its size or SHA-256 is not the"
                    + " one the manifest holds)", e.getMessage());
        }
        assertFalse(Files.exists(tmp.resolve("a")));

        Files.delete(copy);
        try (ReplayContext replay = ReplayContext.replay(recording, "starter")) {
            StartingStateException e = assertThrows(StartingStateException.class,
                    () -> replay.startingFile(tmp.resolve("b")));
            assertTrue(e.getMessage().startsWith(copy + ", the recording's copy of " + live + ", is missing"),
                    e.getMessage());
        }

        try (ReplayContext replay = ReplayContext.replay(recording, "starter")) {
            StartingStateException e = assertThrows(StartingStateException.class,
                    () -> replay.startingFile(tmp.resolve("no-such-dir").resolve("db")));
            assertTrue(e.getMessage().endsWith("directory " + tmp.resolve("no-such-dir") + " does not exist; give"
                    + " another path for it on the command line"), e.getMessage());
        }
    }

    @Test
    void aRecordingMadeBeforeCopiesWereKeptIsNotChecked() throws Exception {
        Path manifest = recording.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceAll("(?s),\\s*\"startingFiles\" : \\[.*\\]",
                ""));
        try (ReplayContext replay = ReplayContext.replay(recording, "starter")) {
            assertEquals(live, replay.startingFile(live), "the file is the user's to restore");
        }
    }
}
