package io.streamreplay.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.MessageParser;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterServer;
import io.streamreplay.testing.SampleRecording;
import io.streamreplay.testing.TestCertificates;
import io.streamreplay.testing.TestCertificates.PemFiles;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay-tool drive} on a library server's recording (a counter server recorded serving two clients), driven
 * against a fresh live counter server over a real Unix socket: the replies are compared by length and CRC-32C, which
 * the counter's sums pass and its random UUIDs do not.
 */
class DriveCommandTest {

    @TempDir
    static Path work;
    static SampleRecording sample;

    @TempDir
    Path dir;
    private CounterServer server;
    private Thread thread;
    private Path socket;

    @BeforeAll
    static void record() throws Exception {
        sample = SampleRecording.make(work, 2, 5);
    }

    @BeforeEach
    void startFreshServer() throws Exception {
        socket = dir.resolve("live-" + System.nanoTime() + ".sock");
        server = new CounterServer(ReplayContext.live(), TransportRegistry.standard(TlsConfig.none()),
                List.of("punix:" + socket), dir.resolve("live.ctl"));
        thread = new Thread(server::runUntilExit, "live-counter-server");
        thread.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
        thread.join(10_000);
    }

    static ToolRun drive(String... args) {
        List<String> all = new ArrayList<>(List.of("drive"));
        all.addAll(List.of(args));
        return ToolRun.of(all.toArray(String[]::new));
    }

    private String target() {
        return "--target=unix:" + socket;
    }

    /** The recorded sequence number of the send that answered the first {@code uuid} request. */
    private static long firstUuidReplySeq() throws Exception {
        try (RecordingReader reader = RecordingReader.open(sample.dir())) {
            Path asked = null;
            RecordedEvent event;
            while ((event = reader.next()) != null) {
                if (event.type() == RecordType.RECV_DATA
                        && new String(event.payload(), StandardCharsets.UTF_8).contains("\"uuid\"")) {
                    asked = event.file();
                } else if (asked != null && event.type() == RecordType.SEND_OK && event.file().equals(asked)) {
                    return event.seq();
                }
            }
        }
        throw new AssertionError("no uuid request in the recording");
    }

    @Test
    void aLibraryRecordingIsComparedByLengthAndCrcAndTheRandomUuidIsTheFirstDivergence() throws Exception {
        ToolRun run = drive(sample.dir().toString(), target(), "--pace=max", "--json");
        assertEquals(1, run.status(), run.out() + run.err());
        JsonNode report = Json.parse(run.out());
        assertEquals(2, report.get("connections").asInt(), "the control connection is not driven");
        assertEquals(16, report.get("requests").asInt(), "5 adds, 2 uuids and an unknown method, twice");
        assertEquals(16, report.get("replies").asInt());
        assertEquals(18, report.get("messages_sent").asInt(), "and a notification each");
        assertEquals(16, report.at("/latency_ms/count").asInt());
        assertTrue(report.at("/latency_ms/p99.9").asDouble() >= report.at("/latency_ms/p50").asDouble());
        JsonNode first = report.get("first_divergences").get(0);
        assertEquals(firstUuidReplySeq(), first.get("seq").asLong(), first.toString());
        assertTrue(first.get("what").asText().contains("same length but other content"), first.toString());
        assertTrue(first.get("request").asText().contains("\"method\":\"uuid\""), first.toString());
        assertTrue(first.get("expected").asText().contains("CRC-32C"), first.toString());
        assertTrue(first.get("actual").asText().matches(".*\"result\":\"[0-9a-f-]{36}\".*"), first.toString());
    }

    @Test
    void comparedByLengthOnlyTheSameWorkloadHasNoDivergence() {
        ToolRun run = drive(sample.dir().toString(), target(), "--pace=max", "--compare=length");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("divergences: 0"), run.out());
        assertTrue(
                run.out().matches("(?s).*latency: +p50 [0-9.]+ ms, p90 [0-9.]+ ms, p99 [0-9.]+ ms, p99\\.9 [0-9.]+ ms,"
                        + " max [0-9.]+ ms \\(16 replies\\).*"),
                run.out());
    }

    @Test
    void aRecordingOfFormatOneDrivesAsTheSameRecordingOfTheCurrentFormat() throws Exception {
        assertTrue(iterationsMarked(sample.dir()) > 0, "formats 2 and 3 mark where the loop's iterations start");
        Path formatOne = dir.resolve("format-1");
        FormatOneRecording.copy(sample.dir(), formatOne);
        JsonNode planOne = Json.parse(drive(formatOne.toString(), "--dry-run", "--json").out());
        JsonNode planTwo = Json.parse(drive(sample.dir().toString(), "--dry-run", "--json").out());
        assertEquals(planTwo.toString(), planOne.toString().replace(formatOne.toString(), sample.dir().toString()),
                "ticks and iteration marks are not part of the workload");
        ToolRun run = drive(formatOne.toString(), target(), "--pace=max", "--compare=length", "--json");
        assertEquals(0, run.status(), run.out() + run.err());
        JsonNode report = Json.parse(run.out());
        assertEquals(16, report.get("requests").asInt());
        assertEquals(16, report.get("replies").asInt());
        assertEquals(0, iterationsMarked(formatOne), "format 1 has no marks");
    }

    private static int iterationsMarked(Path recording) throws Exception {
        int marked = 0;
        try (RecordingReader reader = RecordingReader.open(recording)) {
            RecordedEvent event;
            while ((event = reader.next()) != null) {
                marked += event.startsIteration() ? 1 : 0;
            }
        }
        return marked;
    }

    @Test
    void theTargetsEchoRequestsAreAnsweredWithTheirParams() throws Exception {
        Path probing = dir.resolve("probing.sock");
        List<JsonNode> answers = new CopyOnWriteArrayList<>();
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(probing));
            Thread target = new Thread(() -> probeEveryConnection(listener, answers), "probing-target");
            target.setDaemon(true);
            target.start();
            ToolRun run = drive(sample.dir().toString(), "--target=unix:" + probing, "--pace=max", "--compare=none",
                    "--json");
            assertEquals(0, run.status(), run.out() + run.err());
            JsonNode report = Json.parse(run.out());
            assertEquals(2, report.get("echo_requests_answered").asInt(), report.toString());
            assertEquals(16, report.get("replies").asInt(), "the drive went on");
        }
        assertEquals(List.of("{\"id\":\"probe\",\"result\":[\"are you there\"],\"error\":null}",
                "{\"id\":\"probe\",\"result\":[\"are you there\"],\"error\":null}"),
                answers.stream().map(Json::toText).toList());
    }

    /**
     * A target that, on each connection, first sends an echo request (as Open vSwitch's inactivity probe does), then
     * answers every request with 0, keeping what comes back to its echo in {@code answers}.
     */
    private static void probeEveryConnection(ServerSocketChannel listener, List<JsonNode> answers) {
        try {
            while (true) {
                SocketChannel connection = listener.accept();
                Thread handler = new Thread(() -> {
                    try (connection) {
                        connection.write(
                                ByteBuffer.wrap("{\"id\":\"probe\",\"method\":\"echo\",\"params\":[\"are you there\"]}"
                                        .getBytes(StandardCharsets.UTF_8)));
                        MessageParser parser = new MessageParser(1 << 20);
                        ByteBuffer in = ByteBuffer.allocate(4096);
                        while (connection.read(in.clear()) > 0) {
                            parser.feed(in.array(), 0, in.position());
                            JsonNode message;
                            while ((message = parser.next()) != null) {
                                if (!message.has("method")) {
                                    answers.add(message);
                                } else if (!message.path("id").isNull()) {
                                    connection.write(ByteBuffer.wrap(("{\"id\":" + Json.toText(message.get("id"))
                                            + ",\"result\":0,\"error\":null}").getBytes(StandardCharsets.UTF_8)));
                                }
                            }
                        }
                    } catch (IOException e) {
                        answers.add(Json.NODES.textNode("target failed: " + e));
                    }
                }, "probing-target-connection");
                handler.setDaemon(true);
                handler.start();
            }
        } catch (IOException e) {
            // the listener was closed: the test is over
        }
    }

    @Test
    void aDryRunSaysWhatWouldBeSentWithoutATarget() {
        ToolRun run = drive(sample.dir().toString(), "--dry-run");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("would drive 2 connections"), run.out());
        assertTrue(run.out().contains("requests: 16 ("), run.out());
        assertTrue(run.out().contains("expected duration: "), run.out());
        assertEquals(List.of(), server.events().stream().filter(e -> e.startsWith("connected")).toList(),
                "nothing was sent");
    }

    @Test
    void theLimitsStopTheDrive() throws Exception {
        ToolRun run = drive(sample.dir().toString(), target(), "--pace=max", "--compare=length", "--limit-requests=3",
                "--json");
        assertEquals(0, run.status(), run.out() + run.err());
        JsonNode report = Json.parse(run.out());
        assertEquals(3, report.get("requests").asInt());
        assertEquals(3, report.get("replies").asInt(), "the replies to what was sent are waited for");
        assertEquals("--limit-requests=3", report.get("stopped_by").asText());
    }

    @Test
    void rawStreamsAreSentInTheRecordedChunksAndComparedAsOneStream() throws Exception {
        ToolRun run = drive(sample.dir().toString(), target(), "--pace=max", "--protocol=raw", "--json");
        assertEquals(1, run.status(), run.out() + run.err());
        JsonNode report = Json.parse(run.out());
        JsonNode plan = Json.parse(drive(sample.dir().toString(), "--dry-run", "--protocol=raw", "--json").out());
        assertEquals("raw", report.get("protocol").asText());
        assertEquals(plan.get("requests").asInt(), report.get("requests").asInt(), "every recorded chunk");
        assertEquals(plan.get("bytes").asInt(), report.get("bytes_sent").asInt());
        JsonNode first = report.get("first_divergences").get(0);
        assertEquals(firstUuidReplySeq(), first.get("seq").asLong(), first.toString());
        assertTrue(first.get("what").asText().contains("bytes of other content"), first.toString());
        stopServer();
        startFreshServer(); // the counter goes on from where the first drive left it
        ToolRun lengths = drive(sample.dir().toString(), target(), "--pace=max", "--protocol=raw", "--compare=length");
        assertEquals(0, lengths.status(), lengths.out() + lengths.err());
    }

    @Test
    void aLoopDrivesTheWorkloadAgainOnNewConnections() throws Exception {
        ToolRun run = drive(sample.dir().toString(), target(), "--pace=max", "--loop=3", "--compare=none", "--json");
        assertEquals(0, run.status(), run.out() + run.err());
        JsonNode report = Json.parse(run.out());
        assertEquals(3, report.get("loops").asInt());
        assertEquals(6, report.get("connections").asInt());
        assertEquals(48, report.get("requests").asInt());
        assertEquals(48, report.get("replies").asInt());
    }

    @Test
    void theTargetMayBeTlsWithTheClientsCertificate() throws Exception {
        TestCertificates certificates = TestCertificates.get();
        CounterServer tls = new CounterServer(ReplayContext.live(), TransportRegistry.standard(certificates.server()),
                List.of("pssl:0:127.0.0.1"), dir.resolve("tls.ctl"));
        Thread tlsThread = new Thread(tls::runUntilExit, "tls-counter-server");
        tlsThread.start();
        try {
            String port = tls.listeners().get(0).split(":")[1];
            PemFiles client = certificates.pemFiles("client");
            ToolRun run =
                    drive(sample.dir().toString(), "--target=ssl:127.0.0.1:" + port, "-p", client.key().toString(),
                            "-c", client.certificate().toString(), "-C", client.ca().toString(), "--pace=max",
                            "--compare=length");
            assertEquals(0, run.status(), run.out() + run.err());
            assertTrue(run.out().contains("requests:    16 sent"), run.out());
        } finally {
            tls.stop();
            tlsThread.join(10_000);
        }
    }

    @Test
    void aTargetNobodyListensOnCannotBeDriven() {
        ToolRun run = drive(sample.dir().toString(), "--target=unix:" + dir.resolve("nobody.sock"));
        assertEquals(2, run.status(), run.out());
        assertTrue(run.err().startsWith("replay-tool: cannot connect to unix:" + dir.resolve("nobody.sock")),
                run.err());
    }

    @Test
    void nothingToDriveIsSaid() {
        ToolRun run = drive(sample.dir().toString(), target(), "--streams=tcp:*");
        assertEquals(2, run.status(), run.out());
        assertTrue(run.err().contains("nothing to drive in " + sample.dir() + ": no connection matches"
                + " --streams=tcp:*"), run.err());
    }

    @Test
    void badCommandLinesSayWhatIsWrongInOneLine() {
        ToolRun noTarget = drive(sample.dir().toString());
        assertEquals(2, noTarget.status());
        assertTrue(noTarget.err().contains("give the live server with --target=ACTIVE"), noTarget.err());
        ToolRun listener = drive(sample.dir().toString(), "--target=punix:/tmp/x");
        assertTrue(listener.err().contains("a listener; the target is connected to"), listener.err());
        ToolRun pace = drive(sample.dir().toString(), target(), "--pace=fast");
        assertEquals(2, pace.status());
        assertTrue(pace.err().contains("'fast' is not a pace"), pace.err());
        ToolRun both = drive(sample.dir().toString(), target(), "--pace=2x", "--rate=10/s");
        assertTrue(both.err().contains("give --pace or --rate, not both"), both.err());
        ToolRun notRecording = drive(dir.toString(), target());
        assertEquals(2, notRecording.status());
        assertTrue(notRecording.err().startsWith("replay-tool: cannot read the recording " + dir), notRecording.err());
    }
}
