package io.streamreplay.tool.drive;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a recording's client traffic to a live server on one poll loop: one {@link LiveConnection} per recorded
 * client connection, opened when its recorded accept is due; each step taken when it is due and its connection is
 * ready, in the recorded global order of steps as far as the replies allow (a connection that waits for a reply
 * lets the others go on). The recording is read as the drive goes, about a second of drive time ahead, and further
 * when a live reply needs its recorded counterpart.
 *
 * <p>All time comes from the loop's clock; waiting for a step's time is a timer of the loop. Loop thread only.
 */
public final class Driver {

    private static final Logger log = LoggerFactory.getLogger(Driver.class);

    /** How far ahead of the drive the recording is read, in drive nanoseconds. */
    private static final long LOOKAHEAD_NANOS = 1_000_000_000L;
    /** Bytes of steps and replies held at most ahead of the drive (more only while a reply needs its counterpart). */
    private static final long MAX_HELD = 32L << 20;
    /** Events read at a time. */
    private static final int BATCH = 512;

    private final PollLoop loop;
    private final StreamProvider streams;
    private final DriveOptions options;
    private final DriveReport report;
    private final LongConsumer progress;
    private final Selection selection;
    private final List<LiveConnection> live = new ArrayList<>();
    private final Map<RecordedConnection, LiveConnection> byRecorded = new HashMap<>();
    private long repliesCaughtUp;
    private Step lastSent;
    private Step firstTaken;
    private Step lastTaken;
    private boolean readMore;
    private boolean everConnected;
    private IOException refusal;
    private boolean stopped;

    /**
     * @param progress told the number of requests sent so far, after each loop iteration
     */
    public Driver(PollLoop loop, StreamProvider streams, DriveOptions options, DriveReport report,
            LongConsumer progress) {
        this.loop = loop;
        this.streams = streams;
        this.options = options;
        this.report = report;
        this.progress = progress;
        this.selection = new Selection(options.streams());
    }

    /**
     * Drives the recording {@link DriveOptions#loops()} times, one after the other, adding to the report.
     *
     * @param plan the plan read from the recording: how the clients' bytes are framed
     * @throws DriveException if the recording cannot be read or the target cannot be reached at all
     */
    public void run(Plan plan) throws DriveException {
        Workload.Framing framing = plan.framing();
        report.recording = options.recording().toString();
        report.target = options.target();
        report.protocol = plan.protocol();
        report.replyContent = plan.replyContent();
        report.pace = options.rate() > 0 ? Format.number(options.rate()) + " requests/s" : options.pace().toString();
        long start = loop.now();
        for (int pass = 0; pass < options.loops() && !stopped; pass++) {
            report.loops++;
            long recorded = drive(framing, start);
            report.recordedNanos += recorded;
        }
        report.drivenNanos = loop.now() - start;
    }

    /** Drives the recording once; returns the recorded time its traffic spans. */
    private long drive(Workload.Framing framing, long driveStart) throws DriveException {
        Schedule schedule = new Schedule(options.pace(), options.maxGapNanos(), options.rate());
        UuidMap uuids = new UuidMap();
        ReplyComparison comparison = new ReplyComparison(uuids, options.volatileFields(), options.normalize());
        firstTaken = null;
        lastTaken = null;
        try (Workload workload = new Workload(options.recording(), framing, selection, schedule, true)) {
            long start = loop.now();
            while (true) {
                long now = loop.now();
                fill(workload, now - start);
                for (RecordedConnection recordedConnection : workload.takeOpened()) {
                    LiveConnection connection = new LiveConnection(recordedConnection, this, options, report,
                            comparison, uuids);
                    live.add(connection);
                    byRecorded.put(recordedConnection, connection);
                }
                for (LiveConnection connection : live) {
                    connection.run(now);
                }
                repliesCaughtUp = workload.replyOrder().catchUp(d -> {
                    LiveConnection connection = byRecorded.get(d.connection());
                    return connection == null || connection.arrived(d);
                });
                if (refusal != null && !everConnected) {
                    throw new DriveException("cannot connect to " + options.target() + ": " + refusal.getMessage(),
                            refusal);
                }
                checkLimits(now, driveStart);
                if (!stopped) {
                    dispatch(now, start);
                }
                for (LiveConnection connection : live) {
                    if (connection.finished()) {
                        byRecorded.remove(connection.recorded);
                    }
                }
                live.removeIf(LiveConnection::finished);
                progress.accept(report.requests);
                if (live.isEmpty() && (workload.done() || stopped)) {
                    report.problems.addAll(workload.problems());
                    if (stopped) {
                        // Only what was driven: from the first step to the last one taken.
                        report.expectedNanos += lastTaken == null ? 0 : lastTaken.due;
                        return lastTaken == null ? 0 : lastTaken.recordedTime - firstTaken.recordedTime;
                    }
                    report.expectedNanos += workload.driveSpan();
                    return workload.recordedSpan();
                }
                for (LiveConnection connection : live) {
                    connection.waitAll(loop);
                }
                if (readMore && !workload.done()) {
                    loop.wakeImmediately("read further");
                } else if (!workload.done() && !stopped) {
                    loop.waitUntil(start + Math.max(0, workload.lastDue() - LOOKAHEAD_NANOS / 2), "read ahead");
                }
                if (options.limitNanos() != Long.MAX_VALUE && !stopped) {
                    loop.waitUntil(driveStart + options.limitNanos(), "--limit-seconds");
                }
                loop.block();
            }
        }
    }

    /**
     * Reads the recording about a second of drive time ahead, within {@link #MAX_HELD}; and one batch further in
     * each iteration while a live reply waits for its recorded counterpart.
     */
    private void fill(Workload workload, long elapsed) throws DriveException {
        if (readMore && workload.heldBytes() < 4 * MAX_HELD) {
            workload.read(BATCH);
        }
        readMore = false;
        while (!workload.done() && workload.lastDue() <= elapsed + LOOKAHEAD_NANOS
                && workload.heldBytes() < MAX_HELD) {
            workload.read(BATCH);
        }
    }

    /** Takes every step that is due and ready, in the recorded order of steps. */
    private void dispatch(long now, long start) {
        long elapsed = now - start;
        PriorityQueue<LiveConnection> due = new PriorityQueue<>(
                Comparator.comparingLong((LiveConnection c) -> c.recorded.peekStep().seq)
                        .thenComparingInt(c -> c.recorded.number));
        for (LiveConnection connection : live) {
            if (!connection.finished() && connection.recorded.peekStep() != null) {
                due.add(connection);
            }
        }
        while (!due.isEmpty()) {
            LiveConnection connection = due.poll();
            Step step = connection.recorded.peekStep();
            if (step.due > elapsed) {
                loop.waitUntil(start + step.due, "step due");
                return;
            }
            if (step.request && report.requests >= options.limitRequests()) {
                stop(now, "--limit-requests=" + options.limitRequests());
                return;
            }
            if (!connection.ready(step, now)) {
                continue;
            }
            if (firstTaken == null) {
                firstTaken = step;
            }
            lastTaken = step;
            try {
                connection.take(step, now);
            } catch (IOException e) {
                log.debug("{}: {}", connection.recorded.name, e.getMessage());
            }
            if (!connection.finished() && connection.recorded.peekStep() != null) {
                due.add(connection);
            }
        }
    }

    private void checkLimits(long now, long driveStart) {
        if (!stopped && options.limitNanos() != Long.MAX_VALUE && now - driveStart >= options.limitNanos()) {
            stop(now, "--limit-seconds=" + Format.number(options.limitNanos() / 1e9));
        }
    }

    private void stop(long now, String why) {
        stopped = true;
        report.stoppedBy = why;
        for (LiveConnection connection : live) {
            connection.stop(now);
        }
    }

    // What connections tell the driver.

    /** Opens a connection to the target. */
    Stream openTarget() throws IOException {
        return streams.open(options.target());
    }

    void connected() {
        everConnected = true;
    }

    void refused(IOException e) {
        if (refusal == null) {
            refusal = e;
        }
    }

    void sent(Step step) {
        lastSent = step;
    }

    /** The last message sent on any connection: what a notification most likely follows from. */
    Step lastSent() {
        return lastSent;
    }

    /** How many of the recorded server's reply deliveries the live drive has caught up with. */
    long repliesCaughtUp() {
        return repliesCaughtUp;
    }

    /** A live reply waits for its recorded counterpart: read the recording further. */
    void readMore() {
        readMore = true;
    }
}
