package io.streamreplay.replay;

import io.streamreplay.poll.SystemClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a large recording through the recorder itself ({@link Recording}), without a server: a listener and
 * {@code STREAMS} client streams, each receiving OVSDB transact requests of about 150 bytes and answering them, one
 * request per loop iteration, until the replay files pass {@code SIZE} bytes. For the tools' figures on recordings
 * of gigabytes ({@code replay-tool dump --from=}), which a server would take an hour to record.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.streamreplay.replay.LargeRecording DIR SIZE [STREAMS] [zstd|none]}
 */
public final class LargeRecording {

    private LargeRecording() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long size = RecordingBounds.parseSize(args[1]);
        int streams = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        RecordingCompression compression = args.length > 3 ? RecordingCompression.parse(args[3])
                : RecordingCompression.NONE;
        Recording recording = Recording.start(dir, "sample-db-server", List.of("--remote=ptcp:6640"),
                SystemClock.INSTANCE, RecordingBounds.NONE.withMaxSize(size, args[1]), compression);
        long listen = recording.allocate();
        RecordWriter listener = recording.createFile(FileKind.PASSIVE_STREAM, listen, "ptcp:6640");
        recording.write(listener, RecordType.LISTEN_OK, listen, text("ptcp:6640:0.0.0.0"));
        List<RecordWriter> clients = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            long accept = recording.allocate();
            RecordWriter client = recording.createFile(accept, "tcp:127.0.0.1:" + (40000 + i), true);
            recording.write(listener, RecordType.ACCEPT_OK, accept, accepted("tcp:127.0.0.1:" + (40000 + i)));
            recording.endIteration();
            recording.flush();
            clients.add(client);
        }
        Random random = new Random(1);
        long events = 0;
        while (recording.truncatedBy() == null && recording.failure() == null) {
            RecordWriter client = clients.get(random.nextInt(streams));
            String request = "{\"id\":" + events + ",\"method\":\"transact\",\"params\":[\"kvdb\",{\"op\":\"insert\","
                    + "\"table\":\"kv\",\"row\":{\"name\":\"key-" + random.nextInt(1_000_000) + "\",\"value\":"
                    + random.nextInt() + "}}]}";
            recording.record(client, RecordType.RECV_DATA, text(request));
            ByteBuffer sent = ByteBuffer.allocate(8).putInt(60).putInt(random.nextInt()).flip();
            recording.record(client, RecordType.SEND_OK, sent);
            recording.endIteration();
            recording.flush();
            events += 2;
        }
        recording.close();
        System.out.println(dir + ": " + recording.events() + " events");
    }

    private static ByteBuffer text(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static ByteBuffer accepted(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + 2 * bytes.length).putShort((short) bytes.length).put(bytes).put(bytes).flip();
    }
}
