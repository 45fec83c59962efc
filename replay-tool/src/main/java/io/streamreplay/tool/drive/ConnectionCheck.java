package io.streamreplay.tool.drive;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.tool.drive.RecordedConnection.ExpectedMessage;
import io.streamreplay.tool.drive.ReplyComparison.Difference;
import io.streamreplay.tool.text.PayloadText;
import java.util.ArrayDeque;

/**
 * What the target sends on one {@link LiveConnection}, checked against what the recorded server sent, with the
 * check the recording allows: whole messages and their JSON ({@link ReplyComparison}, {@link NotificationCheck}),
 * bytes ({@link ByteCheck}) or, for a recording without content, digests ({@link DigestCheck}). The connection's
 * first divergence goes into the {@link DriveReport}; after it nothing more of the connection is compared. A live
 * message that cannot be compared until more of the recording is read is held, and the {@link Driver} asked to read
 * more.
 *
 * <p>Loop thread only, as the connection.
 */
final class ConnectionCheck {

    /** Recorded row changes held unmatched at most before no more are taken in: the target has diverged. */
    private static final int MAX_UNMATCHED = 10_000;

    /** A live message, with the request it answers (or, for a notification, the last one sent before it). */
    record Live(JsonFraming.Framed message, Step request) {
    }

    private final RecordedConnection recorded;
    private final Driver driver;
    private final DriveOptions options;
    private final DriveReport report;
    private final ReplyComparison comparison;
    private final DigestCheck digests;
    private final ByteCheck bytes;
    private final NotificationCheck notificationCheck;
    private final ArrayDeque<Live> held = new ArrayDeque<>();
    private boolean diverged;

    ConnectionCheck(RecordedConnection recorded, Driver driver, DriveOptions options, DriveReport report,
            ReplyComparison comparison, UuidMap uuids) {
        this.recorded = recorded;
        this.driver = driver;
        this.options = options;
        this.report = report;
        this.comparison = comparison;
        boolean lengthOnly = options.compare() == DriveOptions.Compare.LENGTH;
        this.digests = recorded.hasContent() ? null : new DigestCheck(recorded, lengthOnly);
        this.bytes = recorded.hasContent() && !recorded.isJsonRpc() ? new ByteCheck(recorded, lengthOnly) : null;
        this.notificationCheck = recorded.hasContent() && recorded.isJsonRpc()
                ? new NotificationCheck(comparison, uuids) : null;
    }

    /** Whether the connection has diverged. */
    boolean diverged() {
        return diverged;
    }

    /** Whether live messages wait to be compared. */
    boolean holding() {
        return !held.isEmpty();
    }

    /**
     * Takes a live notification {@code json} into the notification check, if the recording has one: notifications
     * are matched as sets of row changes, not one by one; false if it is to be compared as a message.
     */
    boolean notification(JsonNode json) {
        if (notificationCheck == null) {
            return false;
        }
        if (options.compare() != DriveOptions.Compare.NONE) {
            report.compared++;
            notificationCheck.live(json);
        }
        return true;
    }

    /** Compares a live message now, or once the ones held before it are. */
    void message(Live live) {
        if (held.isEmpty() && compare(live)) {
            return;
        }
        held.add(live);
        driver.readMore();
    }

    /** Compares the messages held, now that more of the recording may have been read. */
    void retryHeld() {
        while (!held.isEmpty() && compare(held.peek())) {
            held.poll();
        }
    }

    /**
     * Compares a live message with the recorded one.
     *
     * @return false if it cannot be compared until more of the recording is read
     */
    private boolean compare(Live live) {
        if (options.compare() == DriveOptions.Compare.NONE || diverged) {
            return true;
        }
        JsonFraming.Framed message = live.message();
        JsonNode json = message.json();
        if (digests != null) {
            if (digests.needsMore(message.bytes().length)) {
                return false;
            }
            Mismatch mismatch = digests.message(message.bytes());
            report.compared++;
            if (mismatch != null) {
                diverge(mismatch.seq(), mismatch.what(), describe(live.request()), mismatch.expected(),
                        mismatch.actual());
            }
            return true;
        }
        String id = RecordedConnection.idKey(json.get("id"));
        boolean notification = json.has("method");
        ExpectedMessage expected =
                notification ? recorded.replies().takeNotification() : recorded.replies().takeReply(id);
        if (expected == null) {
            if (!recorded.complete()) {
                return false;
            }
            report.compared++;
            diverge(-1, notification ? "a notification the recording does not hold"
                    : "a reply the recording does not hold (id " + id + ")", describe(live.request()), "nothing",
                    text(message.bytes()));
            return true;
        }
        report.compared++;
        String subject = notification ? "notification" : live.request() != null ? "reply to "
                + live.request().describe() : "reply (id " + id + ")";
        if (options.compare() == DriveOptions.Compare.LENGTH) {
            if (expected.bytes().length != message.bytes().length) {
                diverge(expected.seq(), subject + " differs in length (" + expected.bytes().length + " bytes recorded, "
                        + message.bytes().length + " live)", describe(live.request()), text(expected.bytes()),
                        text(message.bytes()));
            }
            return true;
        }
        Difference difference = comparison.compare(expected.json(), json);
        if (difference != null) {
            diverge(expected.seq(), subject + " differs at " + difference.path(), describe(live.request()),
                    value(difference.expected()), value(difference.actual()));
        }
        return true;
    }

    /**
     * Matches recorded notifications with the live ones left unmatched: only as many as that takes (or all, at the
     * end), so that those read ahead stay bytes rather than trees.
     */
    void takeRecordedNotifications(boolean all) {
        if (notificationCheck == null || options.compare() == DriveOptions.Compare.NONE) {
            return;
        }
        ExpectedMessage notification;
        while ((all || (notificationCheck.liveUnmatched() > 0
                && notificationCheck.recordedUnmatched() < MAX_UNMATCHED))
                && (notification = recorded.replies().takeNotification()) != null) {
            notificationCheck.recorded(notification);
        }
    }

    /** Compares bytes the target sent on a raw stream, {@code lastSent} the last step sent before them. */
    void rawBytes(byte[] data, Step lastSent) {
        if (options.compare() == DriveOptions.Compare.NONE || diverged) {
            return;
        }
        Mismatch mismatch = digests != null ? digests.bytes(data) : bytes.bytes(data);
        if (mismatch == null && bytes != null && bytes.waiting()) {
            driver.readMore();
        }
        if (mismatch != null) {
            diverge(mismatch.seq(), "the target sent " + mismatch.what(), describe(lastSent), mismatch.expected(),
                    mismatch.actual());
        }
    }

    /** What the recording holds that the target never sent, once the connection ran its whole script. */
    void missing(Step lastSent) {
        if (options.compare() == DriveOptions.Compare.NONE || recorded.peekStep() != null || !recorded.scriptEnded()) {
            return;
        }
        takeRecordedNotifications(true);
        Mismatch leftover = notificationCheck == null ? null : notificationCheck.leftover();
        if (leftover != null) {
            diverge(leftover.seq(), leftover.what(), null, leftover.expected(), leftover.actual());
        } else if (bytes != null && bytes.expectsMore()) {
            diverge(bytes.nextSeq(), "the target sent fewer bytes than recorded", describe(lastSent),
                    bytes.expectedExcerpt(), "nothing");
        } else if (digests != null && !digests.lost() && !recorded.replies().digests().isEmpty()) {
            diverge(recorded.replies().digests().peek().seq(), "the target sent fewer bytes than recorded",
                    describe(lastSent),
                    recorded.replies().digests().size() + " more sends, " + recorded.replies().digests().stream()
                            .mapToLong(RecordedConnection.ExpectedDigest::length).sum() + " bytes",
                    "nothing");
        }
    }

    /**
     * Reports a divergence at recorded event {@code seq} (-1 if none): {@code what} happened, after {@code request}
     * (a {@link #describe}d step, or null), and what was {@code expected} and {@code actual}. Only the connection's
     * first one is kept as its divergence.
     */
    void diverge(long seq, String what, String request, String expected, String actual) {
        Divergence first = diverged ? null : new Divergence(recorded.name, seq, what, request, expected, actual);
        diverged = true;
        report.diverged(first);
    }

    /** {@code step} as a divergence names it: its sequence number and an excerpt of what it sent; null for none. */
    static String describe(Step step) {
        if (step == null) {
            return null;
        }
        return step.bytes == null ? step.describe()
                : "#" + step.seq + " " + text(step.bytes).strip();
    }

    private static String text(byte[] data) {
        return PayloadText.of(data, Format.EXCERPT);
    }

    /** A differing value as an excerpt. */
    private static String value(JsonNode value) {
        return value.isMissingNode() ? "(nothing)" : Format.excerpt(Json.toText(value));
    }
}
