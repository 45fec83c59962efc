package io.streamreplay.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The replay file writer and reader on one core: records per second for payloads of 64 B, 4 KiB and 64 KiB (MB/s
 * is records/s times the payload size). The writer goes through a buffer of its pool to the page cache, as when
 * recording; the reader checks both checksums of every record, as when replaying.
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

    @Param({"64", "4096", "65536"})
    int payloadBytes;

    private Path dir;
    private ByteBuffer payload;
    private RecordWriter writer;
    private Path written;
    private Path readable;
    private long seq;
    private final BufferPool readBuffers = BufferPool.forReading();

    @Setup(Level.Trial)
    public void createFiles() throws IOException {
        dir = Files.createTempDirectory("replay-file-bench");
        byte[] bytes = new byte[payloadBytes];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        payload = ByteBuffer.wrap(bytes);
        readable = dir.resolve("readable.srr");
        try (RecordWriter fill = new RecordWriter(readable, FileKind.STREAM, 0, "bench", 0, BufferPool.forWriting())) {
            for (int i = 0; i < RECORDS_PER_FILE; i++) {
                fill.append(RecordType.RECV_DATA, i, i, payload);
            }
        }
    }

    @Setup(Level.Iteration)
    public void openWriter() throws IOException {
        written = Files.createTempFile(dir, "written", ".srr");
        Files.delete(written);
        writer = new RecordWriter(written, FileKind.STREAM, 0, "bench", 0, BufferPool.forWriting());
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
        writer.append(RecordType.RECV_DATA, seq++, seq, payload);
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
