package io.streamreplay.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.replay.RecordingExhaustedException;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterServer;
import io.streamreplay.testing.SampleRecording;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay-tool verify --repair=OUT}: a recording damaged by a flipped bit, or cut at any offset (its process
 * killed), is copied into OUT up to the first event it does not hold whole; the copy verifies as intact and
 * truncated, saying why, and replays to exactly that point; the original is never changed.
 */
class VerifyRepairTest {

    private static final Pattern KEPT = Pattern.compile("kept events #0 to #-?\\d+ \\((\\d+) events\\)");

    @TempDir
    static Path work;
    static SampleRecording sample;

    @TempDir
    Path tmp;

    @BeforeAll
    static void record() throws Exception {
        sample = SampleRecording.make(work, 3, 3);
    }

    @Test
    void aRecordingWithAFlippedBitAnywhereIsRepairedToTheEventsBeforeIt() throws Exception {
        Random random = new Random(20261201);
        List<Path> files = replayFiles(sample.dir());
        for (int i = 0; i < 30; i++) {
            Path copy = sample.copyTo(tmp.resolve("flip-" + i));
            Path file = copy.resolve(files.get(random.nextInt(files.size())).getFileName());
            byte[] bytes = Files.readAllBytes(file);
            int offset = random.nextInt((int) recordsEnd(file));
            bytes[offset] ^= (byte) (1 << random.nextInt(8));
            Files.write(file, bytes);
            checkRepair(copy, tmp.resolve("flip-" + i + "-repaired"), file.getFileName() + " bit flipped at " + offset);
        }
    }

    @Test
    void aDamagedIndexIsReportedAndItsRepairKeepsEveryEvent() throws Exception {
        Path copy = sample.copyTo(tmp.resolve("index"));
        Path file = copy.resolve(replayFiles(copy).get(replayFiles(copy).size() - 1).getFileName());
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) recordsEnd(file) + 6] ^= 1;
        Files.write(file, bytes);
        ToolRun verify = tool("verify", copy.toString());
        assertEquals(ReplayTool.PROBLEMS, verify.status(), verify.out());
        assertTrue(verify.out().contains(file + " at offset " + recordsEnd(file) + ": block checksum mismatch"),
                verify.out());
        Path out = tmp.resolve("index-repaired");
        ToolRun repair = tool("verify", copy.toString(), "--repair=" + out);
        assertEquals(0, repair.status(), repair.out() + repair.err());
        Matcher kept = KEPT.matcher(repair.out());
        assertTrue(kept.find(), repair.out());
        assertEquals(sample.eventCount(), Long.parseLong(kept.group(1)), "only the index was damaged");
    }

    @Test
    void aKilledRecordingCutAtAnyOffsetIsRepairedToItsWholeRecords() throws Exception {
        Random random = new Random(4242);
        List<Path> files = replayFiles(sample.dir());
        for (int i = 0; i < 30; i++) {
            Path copy = sample.copyTo(tmp.resolve("cut-" + i));
            Path manifest = copy.resolve("manifest.json");
            Files.writeString(manifest, Files.readString(manifest).replace("\"complete\"", "\"recording\""));
            Path file = copy.resolve(files.get(random.nextInt(files.size())).getFileName());
            // Anywhere before the index written at close (a cut there loses no event: readers do without it).
            long offset = random.nextInt((int) recordsEnd(file));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(offset);
            }
            checkRepair(copy, tmp.resolve("cut-" + i + "-repaired"), file.getFileName() + " cut at " + offset);
        }
    }

    /** Where the records of {@code file} end: before the index its recorder wrote after them at close. */
    private static long recordsEnd(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int tail = java.nio.ByteBuffer.wrap(bytes).getInt(bytes.length - 4);
        assertEquals(2, tail >>> 28, file + ": closed by its recorder, it ends with its index");
        return (long) bytes.length - 12 - (tail & 0x0fff_ffff);
    }

    /** Repairs {@code damaged} into {@code out}; checks what it says, the copy, its replay and the original. */
    private static void checkRepair(Path damaged, Path out, String what) throws IOException {
        Map<Path, byte[]> before = contents(damaged);
        ToolRun repair = tool("verify", damaged.toString(), "--repair=" + out);
        assertEquals(0, repair.status(), what + ": " + repair.out() + repair.err());
        Matcher kept = KEPT.matcher(repair.out());
        assertTrue(kept.find(), what + ": " + repair.out());
        long events = Long.parseLong(kept.group(1));
        assertTrue(events < sample.eventCount(), what + ": a damaged recording loses events");
        String named = Pattern.quote(damaged.toString()) + "/\\S+";
        assertTrue(repair.out().matches("(?s).*(cut: " + named + " at offset \\d+, |left out: " + named + "[ ,]).*"),
                what + ": says which file it cut, and where: " + repair.out());
        assertTrue(repair.out().contains("; cut at event #" + events + ": "), what + ": " + repair.out());

        ToolRun verify = tool("verify", out.toString());
        assertEquals(0, verify.status(), what + ": the copy is intact: " + verify.out());
        assertTrue(verify.out().startsWith(out + ": intact, truncated by replay-tool verify --repair of " + damaged),
                what + ": " + verify.out());
        assertTrue(verify.out().endsWith(": " + events + " events in " + replayFiles(out).size() + " files\n"),
                what + ": " + verify.out());

        ReplayContext replay = ReplayContext.replay(out, SampleRecording.PROGRAM);
        CounterServer server = null;
        RecordingExhaustedException end = null;
        try {
            // The copy may end before the server's loop starts (in its listen): the same end, earlier.
            server = new CounterServer(replay, TransportRegistry.standard(TlsConfig.none()), sample.remotes(),
                    sample.control());
            server.runUntilExit();
        } catch (RecordingExhaustedException e) {
            end = e;
        }
        replay.close();
        List<String> seen = server == null ? List.of() : server.events();
        if (end == null) {
            // Cut after the last event the server needed (after its exit): it ran to its recorded exit.
            assertEquals(sample.events(), seen, what + ": a replay that ends by itself ran whole");
        } else {
            assertEquals(0, end.exitStatus(), what + ": " + end.getMessage());
            assertTrue(end.getMessage().contains("; the recording was truncated here by replay-tool verify --repair"),
                    what + ": " + end.getMessage());
            assertEquals(events, replay.events(), what + ": the replay delivers every event kept, and only those");
            assertEquals(sample.events().subList(0, seen.size()), seen, what + ": the replay saw the start of the run");
        }

        Map<Path, byte[]> after = contents(damaged);
        assertEquals(before.keySet(), after.keySet(), what + ": the original keeps its files");
        before.forEach((file, bytes) -> assertTrue(java.util.Arrays.equals(bytes, after.get(file)),
                what + ": the original is unchanged: " + file));
    }

    @Test
    void aRepairNeverWritesIntoADirectoryThatHoldsAnything() throws Exception {
        Path damaged = sample.copyTo(tmp.resolve("damaged"));
        Path file = damaged.resolve(replayFiles(damaged).get(1).getFileName());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        Path out = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        ToolRun refused = tool("verify", damaged.toString(), "--repair=" + out);
        assertEquals(1, refused.status());
        assertEquals("replay-tool: cannot repair " + damaged + ": " + out + " is not empty; give a new directory for"
                + " the copy (nothing was written)\n", refused.err());
        assertEquals(List.of(out.resolve("notes.txt")), list(out));

        ToolRun inside = tool("verify", damaged.toString(), "--repair=" + damaged.resolve("fixed"));
        assertEquals(1, inside.status());
        assertTrue(inside.err().contains("is inside the recording"), inside.err());
        assertFalse(Files.exists(damaged.resolve("fixed")));

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(0, tool("verify", damaged.toString(), "--repair=" + empty).status(), "an empty one is fine");
        assertEquals(0, tool("verify", empty.toString()).status());
    }

    @Test
    void anIntactRecordingIsNotCopied() throws Exception {
        Path out = tmp.resolve("not-needed");
        ToolRun repair = tool("verify", sample.dir().toString(), "--repair=" + out);
        assertEquals(0, repair.status(), repair.err());
        assertEquals(sample.dir() + ": intact (" + sample.eventCount() + " events): nothing to cut; " + out
                + " was not written\n", repair.out());
        assertFalse(Files.exists(out));
    }

    @Test
    void theRepairedCopyIsOwnerOnlyAsARecordingIs() throws Exception {
        Path damaged = sample.copyTo(tmp.resolve("perm"));
        Path file = damaged.resolve(replayFiles(damaged).get(0).getFileName());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(recordsEnd(file) - 3);
        }
        Path out = tmp.resolve("perm-repaired");
        assertEquals(0, tool("verify", damaged.toString(), "--repair=" + out).status());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(out)));
        for (Path copied : list(out)) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(copied)), copied.toString());
        }
    }

    private static List<Path> replayFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".srr")).sorted().collect(Collectors.toList());
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted(Comparator.naturalOrder()).collect(Collectors.toList());
        }
    }

    private static Map<Path, byte[]> contents(Path dir) throws IOException {
        Map<Path, byte[]> contents = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path file : files) {
            contents.put(file, Files.readAllBytes(file));
        }
        return contents;
    }

    private static ToolRun tool(String... args) {
        return ToolRun.of(args);
    }
}
