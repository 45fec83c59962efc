package io.streamreplay.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JSON-RPC as the server sees it: incremental parsing of a stream of {@code transact} requests cut into 4 KiB
 * reads, and serialization of replies exactly as a connection does it (hence this package). Scores are messages per second; MB/s is
 * messages/s times {@link #messageBytes()}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JsonRpcBenchmark {

    static final int MESSAGES = 1000;
    private static final int READ = 4096;

    private byte[] stream;
    private Message reply;

    @Setup
    public void prepare() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < MESSAGES; i++) {
            out.write(Json.toBytes(Message.request("transact", Json.array("kvdb", Json.parse(
                    "{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"c3-" + i + "\",\"value\":" + i + "}}")),
                    LongNode.valueOf(i)).toJson()));
        }
        stream = out.toByteArray();
        JsonNode result = Json.parse("[{\"uuid\":[\"uuid\",\"0d6e4b55-5b47-4a39-9b0b-7c1d9f0a1e77\"]}]");
        reply = Message.reply(result, LongNode.valueOf(42));
    }

    /** The average size of one parsed message, for converting to MB/s. */
    public double messageBytes() {
        return (double) stream.length / MESSAGES;
    }

    /** {@value #MESSAGES} requests parsed from 4 KiB reads; the score counts messages. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public int parse() throws ProtocolException {
        MessageParser parser = new MessageParser(64 << 20);
        int messages = 0;
        for (int offset = 0; offset < stream.length; offset += READ) {
            parser.feed(stream, offset, Math.min(READ, stream.length - offset));
            for (JsonNode json = parser.next(); json != null; json = parser.next()) {
                messages++;
            }
        }
        return messages;
    }

    /** One reply serialized to bytes. */
    @Benchmark
    public byte[] serialize() {
        return Json.toBytes(reply.toJson());
    }
}
