package io.streamreplay.benchmarks;

import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.streamreplay.control.ControlServer;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.JsonRpcConnection;
import io.streamreplay.jsonrpc.JsonRpcServer;
import io.streamreplay.jsonrpc.JsonRpcSession;
import io.streamreplay.jsonrpc.Limits;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.replay.RecordedSource;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The demo workload: a small JSON-RPC server is recorded while clients load it over TCP and a Unix socket and a
 * control client ends it with {@code exit}; then the same server code is replayed from the recording alone, and
 * the two runs are compared. Prints a table; exits 0 only if the replay reproduced the recorded run.
 *
 * <p>Usage: {@code ReplayDemo [CLIENTS [CALLS-PER-CLIENT [DIR]]]}.
 */
public final class ReplayDemo {

    private static final String PROGRAM = "demo-server";

    /** The application: counts, hands out UUIDs, and digests everything it sees, so two runs can be compared. */
    static final class DemoServer implements JsonRpcServer.Handler {
        private final PollLoop loop;
        private final JsonRpcServer server;
        private final ControlServer control;
        private final RecordedSource uuids;
        private final MessageDigest seen;
        private final List<String> listeners = new ArrayList<>();
        private long counter;
        private long requests;
        private String digest;

        DemoServer(ReplayContext context, Path dir) throws IOException {
            loop = context.newPollLoop();
            StreamProvider streams = context.streams(TransportRegistry.standard(TlsConfig.none()));
            uuids = context.source("uuid");
            try {
                seen = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            server = new JsonRpcServer(loop, streams, Limits.DEFAULT, context.isActive() ? 0 : 5000, this);
            listeners.add(server.listen("ptcp:0:127.0.0.1").name());
            listeners.add(server.listen("punix:" + dir.resolve("demo.sock")).name());
            control = new ControlServer(loop, streams, dir.resolve("demo.ctl"), PROGRAM + " (streamreplay) demo");
        }

        @Override
        public void handle(JsonRpcSession session, Message message) {
            seen.update((session.name() + " " + message).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (message.type() != Message.Type.REQUEST) {
                return;
            }
            requests++;
            if ("add".equals(message.method())) {
                counter += message.params().path(0).asLong();
                session.send(Message.reply(LongNode.valueOf(counter), message.id()));
            } else if ("uuid".equals(message.method())) {
                session.send(Message.reply(TextNode.valueOf(uuids.nextUuid().toString()), message.id()));
            } else {
                session.send(Message.error("unknown method", message.id()));
            }
        }

        void run() {
            while (!control.exitRequested()) {
                server.run();
                control.run();
                server.waitAll("server");
                control.waitAll();
                if (!control.exitRequested()) {
                    loop.block();
                }
            }
            control.close();
            server.close();
            loop.close();
        }

        /** The digest of every message seen; call only after {@link #run()} returned. */
        String digest() {
            if (digest == null) {
                digest = HexFormat.of().formatHex(seen.digest()).substring(0, 16);
            }
            return digest;
        }
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path work = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("streamreplay-demo");
        Path recording = work.resolve("recording");

        ReplayContext recordContext = ReplayContext.record(recording, PROGRAM, List.of(args));
        DemoServer recorded = new DemoServer(recordContext, work);
        long start = System.nanoTime();
        Thread thread = new Thread(recorded::run, "demo-server");
        thread.start();
        load(recorded.listeners, clients, calls);
        try (JsonRpcConnection admin = connect("unix:" + work.resolve("demo.ctl"))) {
            admin.transactBlocking(PollLoop.live(), Message.request("exit", Json.array(), LongNode.valueOf(0)),
                    10_000);
        }
        thread.join();
        long recordedNanos = System.nanoTime() - start;
        recordContext.close();

        ReplayContext replayContext = ReplayContext.replay(recording, PROGRAM);
        DemoServer replayed = new DemoServer(replayContext, work);
        start = System.nanoTime();
        replayed.run();
        long replayNanos = System.nanoTime() - start;
        replayContext.close();

        long bytes;
        long files;
        try (Stream<Path> list = Files.list(recording)) {
            List<Path> all = list.toList();
            files = all.size();
            bytes = all.stream().mapToLong(p -> p.toFile().length()).sum();
        }
        boolean same = recorded.digest().equals(replayed.digest()) && recorded.counter == replayed.counter
                && recorded.requests == replayed.requests;
        System.out.printf("streamreplay demo: a JSON-RPC server under load (%d clients x %d calls over tcp and"
                + " unix), recorded, then replayed from the recording alone%n", clients, calls);
        System.out.printf("recording: %s (%d events, %d files, %d bytes)%n%n", recording, recordContext.events(),
                files, bytes);
        System.out.printf("%-24s %14s %14s%n", "", "recorded run", "replay");
        System.out.printf("%-24s %14.1f %14.1f%n", "wall time (ms)", recordedNanos / 1e6, replayNanos / 1e6);
        System.out.printf("%-24s %14d %14d%n", "requests handled", recorded.requests, replayed.requests);
        System.out.printf("%-24s %14d %14d%n", "final counter", recorded.counter, replayed.counter);
        System.out.printf("%-24s %14s %14s%n", "digest of all messages", recorded.digest(), replayed.digest());
        System.out.printf("%-24s %14s%n", "replay / recorded time", String.format("%.2f", (double) replayNanos
                / recordedNanos));
        System.out.println(same ? "\nthe replay reproduced the recorded run exactly"
                : "\nMISMATCH: the replay did not reproduce the recorded run");
        System.exit(same ? 0 : 1);
    }

    private static void load(List<String> listeners, int clients, int calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String listener = listeners.get(c % listeners.size());
            String target = listener.startsWith("punix:") ? "unix:" + listener.substring(6)
                    : "tcp:127.0.0.1:" + listener.split(":")[1];
            done.add(pool.submit(() -> {
                PollLoop loop = PollLoop.live();
                try (JsonRpcConnection connection = new JsonRpcConnection(
                        TransportRegistry.standard(TlsConfig.none()).openBlocking(loop, target, 10_000),
                        Limits.DEFAULT)) {
                    for (int i = 0; i < calls; i++) {
                        String method = i % 10 == 9 ? "uuid" : "add";
                        connection.transactBlocking(loop, Message.request(method, Json.array(1),
                                LongNode.valueOf(i)), 10_000);
                    }
                }
                loop.close();
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(10, TimeUnit.MINUTES);
        }
        pool.shutdown();
    }

    private static JsonRpcConnection connect(String name) throws IOException {
        return new JsonRpcConnection(TransportRegistry.standard(TlsConfig.none()).openBlocking(PollLoop.live(), name,
                10_000), Limits.DEFAULT);
    }
}
