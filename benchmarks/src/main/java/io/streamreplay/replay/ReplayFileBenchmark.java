package io.streamreplay.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The replay file writer and reader on one core: records per second for payloads of 64 B and 4 KiB (MB/s is
 * records/s times the payload size), with blocks stored as they are or compressed with Zstandard. The payloads are
 * OVSDB transact requests as a client sends them (JSON, with varying names and numbers), cut to size. The writer
 * goes through a buffer of its pool to the page cache, as when recording, and writes a block each time its buffer
 * fills (a recorder also writes one each time the loop blocks: smaller blocks, which compress less); the reader
 * checks every block's checksum and decompresses it, as when replaying.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReplayFileBenchmark {

    /** Records read per invocation of {@link #read}: one whole file. */
    static final int RECORDS_PER_FILE = 4096;

    @Param({"64", "4096"})
    int payloadBytes;

    @Param({"none", "zstd"})
    String compression;

    private Path dir;
    /** What {@link #write} appends, in turn: as many different requests as a 64 KiB block holds of 64 B. */
    private final ByteBuffer[] payloads = new ByteBuffer[1024];
    private RecordWriter writer;
    private Path written;
    private Path readable;
    private long seq;
    private final BufferPool readBuffers = BufferPool.forReading();

    @Setup(Level.Trial)
    public void createFiles() throws IOException {
        dir = Files.createTempDirectory("replay-file-bench");
        readable = dir.resolve("readable.srr");
        try (RecordWriter fill = new RecordWriter(readable, FileKind.STREAM, 0, "bench", 0, BufferPool.forWriting(),
                compressor())) {
            for (int i = 0; i < RECORDS_PER_FILE; i++) {
                fill.append(RecordType.RECV_DATA, i, i * 20_000L, payload(i));
            }
        }
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = payload(RECORDS_PER_FILE + i);
        }
    }

    @Setup(Level.Iteration)
    public void openWriter() throws IOException {
        written = Files.createTempFile(dir, "written", ".srr");
        Files.delete(written);
        writer = new RecordWriter(written, FileKind.STREAM, 0, "bench", 0, BufferPool.forWriting(), compressor());
    }

    private BlockCompressor compressor() {
        return new BlockCompressor(RecordingCompression.parse(compression));
    }

    /** The {@code n}th payload: transact requests, one after another, cut to {@link #payloadBytes}. */
    private ByteBuffer payload(int n) {
        Random random = new Random(n);
        StringBuilder text = new StringBuilder();
        while (text.length() < payloadBytes) {
            int id = random.nextInt(1_000_000);
            text.append("{\"id\":").append(id).append(",\"method\":\"transact\",\"params\":[\"kvdb\",{\"op\":")
                    .append("\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"key-").append(random.nextInt(100_000))
                    .append("\",\"value\":").append(random.nextInt()).append("}}]}");
        }
        return ByteBuffer.wrap(text.substring(0, payloadBytes).getBytes(StandardCharsets.US_ASCII));
    }

    @TearDown(Level.Iteration)
    public void closeWriter() throws IOException {
        writer.close();
        Files.delete(written);
    }

    @TearDown(Level.Trial)
    public void deleteFiles() throws IOException {
        Files.deleteIfExists(readable);
        Files.deleteIfExists(dir);
    }

    /** One record appended. */
    @Benchmark
    public void write() throws IOException {
        writer.append(RecordType.RECV_DATA, seq, seq * 20_000L, payloads[(int) (seq++ & (payloads.length - 1))]);
    }

    /** A whole file of {@value #RECORDS_PER_FILE} records read and checked; the score counts records. */
    @Benchmark
    @OperationsPerInvocation(RECORDS_PER_FILE)
    public long read() throws IOException {
        long sum = 0;
        try (RecordReader reader = new RecordReader(readable, readBuffers)) {
            for (ReplayRecord record = reader.peek(); record != null; record = reader.peek()) {
                sum += record.payload().length;
                reader.advance();
            }
        }
        return sum;
    }
}
