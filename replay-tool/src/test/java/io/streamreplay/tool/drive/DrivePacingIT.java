package io.streamreplay.tool.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.stream.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pacing, against real processes: sample-db-server recorded while a client sends an echo request every 100 ms for
 * 10 s, then that recording driven against a fresh sample-db-server. At the recorded pace it takes 10 s, at
 * {@code 2x} 5 s, each within 5 %; {@code --rate} spaces requests evenly; the limits stop the drive; on a terminal
 * a progress bar runs meanwhile. Pacing is a feature about time, so these tests measure time, against bounds of 5 %.
 */
class DrivePacingIT {

    private static final int REQUESTS = 100;
    private static final long SPACING_MILLIS = 100;

    @TempDir
    static Path work;
    static Path recording;

    @TempDir
    Path dir;
    private Process target;

    @BeforeAll
    static void record() throws Exception {
        ServerProcess.createDatabase(work, Processes.ok(work, Processes.java(Processes.CLIENT,
                List.of("bench", "--print-schema"))));
        Path socket = work.resolve("db.sock");
        Process server = Processes.start(work, "recorded", Processes.java(Processes.SERVER, List.of("kv.db",
                "--remote=punix:" + socket, "--control=" + work.resolve("s.ctl"), "--replay-record=recording")));
        try {
            Processes.awaitFile(socket, server, work.resolve("recorded.out"));
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + socket, TlsConfig.none())) {
                long start = System.nanoTime();
                for (int i = 0; i < REQUESTS; i++) {
                    client.request("echo", "ping " + i);
                    sleepUntil(start + TimeUnit.MILLISECONDS.toNanos(SPACING_MILLIS * (i + 1)));
                }
            }
            Thread.sleep(200);
            try (OvsdbTestClient control = OvsdbTestClient.connect("unix:" + work.resolve("s.ctl"),
                    TlsConfig.none())) {
                control.request("exit");
            }
            assertEquals(0, server.waitFor(), "the recorded server exits cleanly");
        } finally {
            Processes.stop(server);
        }
        recording = work.resolve("recording");
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    @BeforeEach
    void startFreshTarget() throws Exception {
        Files.copy(work.resolve("pristine.db"), dir.resolve("kv.db"));
        target = Processes.start(dir, "target", Processes.java(Processes.SERVER, List.of("kv.db",
                "--remote=punix:" + dir.resolve("db.sock"), "--control=" + dir.resolve("s.ctl"))));
        Processes.awaitFile(dir.resolve("db.sock"), target, dir.resolve("target.out"));
    }

    @AfterEach
    void stopTarget() throws Exception {
        Processes.stop(target);
    }

    private JsonNode drive(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("drive", recording.toString(), "--target=unix:"
                + dir.resolve("db.sock"), "--json"));
        args.addAll(List.of(options));
        Processes.Result result = Processes.run(dir, Processes.java(Processes.TOOL, args), 120);
        assertEquals(0, result.status(), result.out() + result.err());
        JsonNode report = Json.parse(result.out());
        assertEquals(0, report.get("divergences").asInt(), "echo replies are the same: " + report);
        System.out.printf("drive %s: recorded %.3f s, driven %.3f s (pace %.4fx), %d requests, wall %.3f s%n",
                String.join(" ", options), report.at("/time/recorded_s").asDouble(),
                report.at("/time/driven_s").asDouble(), report.at("/time/achieved_pace").asDouble(),
                report.get("requests").asInt(), result.seconds());
        assertTrue(result.seconds() >= report.at("/time/driven_s").asDouble(), "the drive really took that long");
        return report;
    }

    private static void assertWithin(double expected, double actual, double fraction, String what) {
        assertTrue(Math.abs(actual - expected) <= expected * fraction, what + ": " + actual + " s, expected "
                + expected + " s within " + Math.round(fraction * 100) + " %");
    }

    @Test
    void aTenSecondRecordingDrivesInTenSeconds() throws Exception {
        JsonNode report = drive();
        double recorded = report.at("/time/recorded_s").asDouble();
        assertWithin(10.0, recorded, 0.05, "the recording spans");
        assertWithin(recorded, report.at("/time/driven_s").asDouble(), 0.05, "driven at the recorded pace");
        assertEquals(REQUESTS, report.get("requests").asInt());
    }

    @Test
    void atTwiceThePaceInFiveSeconds() throws Exception {
        JsonNode report = drive("--pace=2x");
        double recorded = report.at("/time/recorded_s").asDouble();
        assertWithin(recorded / 2, report.at("/time/driven_s").asDouble(), 0.05, "driven at 2x");
        assertWithin(2.0, report.at("/time/achieved_pace").asDouble(), 0.05, "the achieved pace");
    }

    @Test
    void aRateSpacesTheRequestsEvenly() throws Exception {
        JsonNode report = drive("--rate=40/s");
        assertEquals(REQUESTS, report.get("requests").asInt());
        assertWithin((REQUESTS - 1) / 40.0, report.at("/time/driven_s").asDouble(), 0.05,
                "100 requests at 40/s: the last one 99/40 s after the first");
    }

    @Test
    void onATerminalAProgressBarRunsOnStandardErrorUnlessTurnedOff() throws Exception {
        String bar = onTerminal("--pace=4x");
        assertTrue(bar.contains("drive 100%") && bar.contains(" 100/100 req "), bar);
        assertTrue(bar.contains("divergences: 0"), "the report follows: " + bar);
        String none = onTerminal("--pace=4x", "--no-progress");
        assertTrue(none.contains("divergences: 0") && !none.contains("/100 req"), none);
        assertTrue(drive("--pace=4x").toString().contains("\"requests\":100"), "nor in a pipe");
    }

    /** What a drive with {@code options} writes on a terminal: a pseudo-terminal of {@code script(1)}. */
    private String onTerminal(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("drive", recording.toString(), "--target=unix:"
                + dir.resolve("db.sock")));
        args.addAll(List.of(options));
        String command = Processes.java(Processes.TOOL, args).stream().map(arg -> "'" + arg + "'")
                .collect(Collectors.joining(" "));
        Processes.Result result = Processes.run(dir, List.of("script", "-qec", command, "/dev/null"), 120);
        assertEquals(0, result.status(), result.out() + result.err());
        return result.out();
    }

    @Test
    void theLimitsStopTheDriveWhereTheySay() throws Exception {
        JsonNode byCount = drive("--pace=max", "--limit-requests=30");
        assertEquals(30, byCount.get("requests").asInt());
        assertEquals(30, byCount.get("replies").asInt());
        assertEquals("--limit-requests=30", byCount.get("stopped_by").asText());
        JsonNode byTime = drive("--limit-seconds=3");
        assertEquals("--limit-seconds=3", byTime.get("stopped_by").asText());
        assertWithin(3.0, byTime.at("/time/driven_s").asDouble(), 0.05, "stopped after 3 s");
        int requests = byTime.get("requests").asInt();
        assertTrue(requests >= 29 && requests <= 31, "about 3 s of one request per 100 ms: " + requests);
        JsonNode gaps = drive("--pace=0.5x", "--max-gap=20ms");
        assertTrue(gaps.at("/time/driven_s").asDouble() < 99 * 0.020 * 1.5 + 1, "gaps of 200 ms cut to 20 ms: "
                + gaps.at("/time/driven_s"));
    }
}
