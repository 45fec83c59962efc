package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import io.streamreplay.testing.Programs;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/**
 * Zstandard is optional at run time: on a platform whose native library the runnable jars leave out, a process
 * records and replays uncompressed recordings as ever, and only asking for compression, or reading a compressed
 * block, fails, with a message that names the platform instead of an {@link UnsatisfiedLinkError}. Tested in a
 * real JVM whose zstd-jni jar holds no native library at all.
 */
class ZstdNativeTest {

    @TempDir
    Path tmp;

    @Test
    void zstandardLoadsOnThisMachine() {
        assertNull(ZstdNative.unavailable());
    }

    @Test
    void withoutItsNativeLibraryOnlyZstandardFailsAndSaysWhy() throws Exception {
        Path compressed = tmp.resolve("compressed" + ReplayFormat.SUFFIX);
        try (RecordWriter writer = new RecordWriter(compressed, FileKind.STREAM, 1, "s", 0, BufferPool.forWriting(),
                new BlockCompressor(RecordingCompression.ZSTD))) {
            write(writer);
        }
        List<String> classPath = new ArrayList<>();
        Path zstdJar = Path.of(Zstd.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path stripped = tmp.resolve("zstd-jni-without-natives.jar");
        withoutNativeLibraries(zstdJar, stripped);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(Path.of(entry).equals(zstdJar) ? stripped.toString() : entry);
        }
        Programs.Result result = Programs.exec(tmp, List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Djava.io.tmpdir=" + tmp, "-cp", String.join(File.pathSeparator, classPath),
                WithoutNative.class.getName(), tmp.toString(), compressed.toString()), 60);
        String output = result.output();
        assertEquals(0, result.status(), output);
        String platform = "Zstandard is not available on this platform (" + System.getProperty("os.name") + " ";
        assertTrue(output.contains("uncompressed: 3 records read back\n"), output);
        assertTrue(output.contains("option: --replay-record-compress=zstd: " + platform), output);
        assertTrue(output.contains("; record with --replay-record-compress=none instead\n"), output);
        assertTrue(output.contains("compressor: " + platform), output);
        assertTrue(output.contains("read: " + compressed + " at offset "), output);
        assertTrue(output.contains(": the block is compressed, and " + platform), output);
        assertTrue(output.contains("replay: cannot read the recording here: " + compressed), "not called corrupt: "
                + output);
    }

    private static void write(RecordWriter writer) throws IOException {
        String request = "{\"method\":\"transact\",\"params\":[\"kv\",{\"op\":\"insert\",\"table\":\"kv\"}],\"id\":";
        for (int i = 0; i < 3; i++) {
            writer.append(RecordType.RECV_DATA, false, 10 + i, 1000 + i,
                    ByteBuffer.wrap((request + i + "}").repeat(20).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** A copy of {@code jar} without its native libraries: zstd-jni as on a platform the runnable jars leave out. */
    private static void withoutNativeLibraries(Path jar, Path copy) throws IOException {
        try (ZipFile in = new ZipFile(jar.toFile());
                OutputStream file = Files.newOutputStream(copy);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry entry : in.stream().toList()) {
                String name = entry.getName();
                if (name.endsWith(".so") || name.endsWith(".dylib") || name.endsWith(".dll")) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(name));
                try (InputStream bytes = in.getInputStream(entry)) {
                    bytes.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    /** A command with the replay options, as an application mixes them in. */
    @Command(name = "app")
    static final class App {
        @Mixin
        ReplayOptions replay;
    }

    /**
     * Run in the JVM without Zstandard: records and reads an uncompressed file, then asks for compression three ways
     * (the command-line option, a compressor, a compressed file) and prints what each says.
     */
    public static final class WithoutNative {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            Path plain = dir.resolve("plain" + ReplayFormat.SUFFIX);
            try (RecordWriter writer = new RecordWriter(plain, FileKind.STREAM, 1, "s", 0, BufferPool.forWriting(),
                    new BlockCompressor(RecordingCompression.NONE))) {
                write(writer);
            }
            int read = 0;
            try (RecordReader reader = new RecordReader(plain, BufferPool.forReading())) {
                while (reader.peek() != null) {
                    reader.advance();
                    read++;
                }
            }
            System.out.println("uncompressed: " + read + " records read back");
            App app = new App();
            try {
                new CommandLine(app).parseArgs("--replay-record=" + dir.resolve("recording"),
                        "--replay-record-compress=zstd");
                app.replay.open("app", List.of()).close();
                System.out.println("option: accepted");
            } catch (ParameterException e) {
                System.out.println("option: " + e.getMessage());
            }
            try {
                new BlockCompressor(RecordingCompression.ZSTD);
                System.out.println("compressor: made");
            } catch (IllegalArgumentException e) {
                System.out.println("compressor: " + e.getMessage());
            }
            try (RecordReader reader = new RecordReader(Path.of(args[1]), BufferPool.forReading())) {
                reader.peek();
                System.out.println("read: a record");
            } catch (IOException e) {
                System.out.println("read: " + e.getMessage());
                System.out.println("replay: " + ReplayCursor.unreadable(e));
            }
        }
    }
}
