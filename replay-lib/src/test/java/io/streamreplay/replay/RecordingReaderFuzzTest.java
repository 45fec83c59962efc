package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzing of the replay-file reader: a recording directory whose one replay file holds any bytes is either refused
 * at open with a {@link CorruptRecordingException} naming the file, or read to its end with every problem named in
 * {@link RecordingReader#problems()}; no other exception escapes and nothing hangs. {@code mvn verify} replays the
 * checked-in corpus ({@code RecordingReaderFuzzTestInputs/}, seeded with real replay files); {@code JAZZER_FUZZ=1 mvn
 * test -pl replay-lib -Dtest=RecordingReaderFuzzTest} fuzzes.
 */
class RecordingReaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void anyFileIsReadOrRefusedWithTheProblemNamed(byte[] file) throws IOException {
        Path dir = Files.createTempDirectory("fuzzed-recording");
        try {
            new Manifest("fuzzed", List.of(), 0, Manifest.COMPLETE, 0, null).write(dir);
            Path srr = dir.resolve("00000001-tcp.srr");
            Files.write(srr, file);
            try (RecordingReader reader = RecordingReader.open(dir)) {
                long events = 0;
                while (reader.next() != null) {
                    events++;
                }
                assertTrue(events == reader.events() || !reader.problems().isEmpty(), "events read without a gap"
                        + " or a problem named");
                for (String problem : reader.problems()) {
                    assertTrue(problem.contains(dir.toString()), "every problem names its file: " + problem);
                }
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path path : (Iterable<Path>) files::iterator) {
                    Files.delete(path);
                }
            }
            Files.delete(dir);
        }
    }
}
