package io.streamreplay.tool.drive;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.tool.drive.RecordedConnection.ExpectedMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Matches a connection's live notifications with the recorded ones, whatever their grouping. A server batches the
 * changes of the transactions it committed since it last wrote to a monitor into one notification (Open vSwitch's
 * {@code ovsdb-server} does, RFC 7047 section 4.1.6), so under load the same changes come in fewer, larger updates,
 * and those of concurrent clients in another order. An OVSDB update ({@code update}, {@code update2},
 * {@code update3}) is therefore split into its row changes, each matched by monitor, table and content (its row's
 * UUID paired as in {@link ReplyComparison}) with an unmatched one of the other side; any other notification is
 * matched whole. What is left unmatched at the end is a divergence. Not thread-safe.
 */
final class NotificationCheck {

    /** One row change (or one whole notification): where it came from and what it says. */
    private record Change(long seq, String method, String monitor, String table, String row, JsonNode content,
            JsonNode whole, long order) {

        String key(ReplyComparison comparison) {
            return method + '\u0000' + monitor + '\u0000' + table + '\u0000' + comparison.blindHash(content);
        }

        String describe() {
            return table == null ? Json.toText(whole)
                    : method + " of " + monitor + ", table " + table + ", row " + row + ": " + Json.toText(content);
        }
    }

    private final ReplyComparison comparison;
    private final UuidMap uuids;
    private final Map<String, List<Change>> recordedPending = new HashMap<>();
    private final Map<String, List<Change>> livePending = new HashMap<>();
    private long order;
    private int recordedLeft;
    private int liveLeft;

    NotificationCheck(ReplyComparison comparison, UuidMap uuids) {
        this.comparison = comparison;
        this.uuids = uuids;
    }

    /** How many units a notification counts for: its row changes, or 1 for any other notification. */
    static int units(JsonNode notification) {
        JsonNode updates = updates(notification);
        if (updates == null) {
            return 1;
        }
        int units = 0;
        for (JsonNode rows : updates) {
            units += rows.size();
        }
        return units;
    }

    /** The table updates of an OVSDB update notification, or null for any other notification. */
    private static JsonNode updates(JsonNode notification) {
        String method = notification.path("method").asText();
        JsonNode params = notification.path("params");
        JsonNode updates = switch (method) {
            case "update", "update2" -> params.path(1);
            case "update3" -> params.path(2);
            default -> null;
        };
        return updates != null && updates.isObject() ? updates : null;
    }

    /** Adds a recorded notification. */
    void recorded(ExpectedMessage message) {
        for (Change change : split(message.json(), message.seq())) {
            if (!match(change, livePending)) {
                add(recordedPending, change);
                recordedLeft++;
            }
        }
    }

    /** Adds a live notification. */
    void live(JsonNode notification) {
        for (Change change : split(notification, -1)) {
            if (!match(change, recordedPending)) {
                add(livePending, change);
                liveLeft++;
            }
        }
    }

    /** Changes of either side not matched yet. */
    int unmatched() {
        return recordedLeft + liveLeft;
    }

    /** Live changes not matched yet. */
    int liveUnmatched() {
        return liveLeft;
    }

    /** Recorded changes not matched yet. */
    int recordedUnmatched() {
        return recordedLeft;
    }

    /**
     * What is left unmatched, as a divergence: the earliest recorded change no live one matched, with the live change
     * left that resembles it most (same table), or the earliest live change nothing recorded matched; null if all
     * matched.
     */
    Mismatch leftover() {
        Change recorded = earliest(recordedPending);
        Change live = earliest(livePending);
        if (recorded == null && live == null) {
            return null;
        }
        if (recorded != null) {
            Change closest = closest(recorded);
            return new Mismatch(recorded.seq(), "notification with no counterpart from the target ("
                    + recordedLeft + " recorded changes unmatched, " + liveLeft + " live)",
                    Format.excerpt(recorded.describe()),
                    closest == null ? "nothing like it" : Format.excerpt(closest.describe()));
        }
        return new Mismatch(-1, "notification the recording does not hold (" + liveLeft + " live changes unmatched)",
                "nothing like it", Format.excerpt(live.describe()));
    }

    private boolean match(Change change, Map<String, List<Change>> other) {
        String key = change.key(comparison);
        List<Change> candidates = other.get(key);
        if (candidates == null) {
            return false;
        }
        boolean recordedSide = change.seq() >= 0;
        for (Iterator<Change> it = candidates.iterator(); it.hasNext();) {
            Change candidate = it.next();
            Change r = recordedSide ? change : candidate;
            Change l = recordedSide ? candidate : change;
            int mark = uuids.mark();
            if ((r.row() == null || uuids.bind(r.row(), l.row()))
                    && comparison.compareValues(r.content(), l.content()) == null) {
                it.remove();
                if (candidates.isEmpty()) {
                    other.remove(key);
                }
                if (recordedSide) {
                    liveLeft--;
                } else {
                    recordedLeft--;
                }
                return true;
            }
            uuids.rollback(mark);
        }
        return false;
    }

    private List<Change> split(JsonNode notification, long seq) {
        String method = notification.path("method").asText();
        JsonNode updates = updates(notification);
        List<Change> changes = new ArrayList<>();
        if (updates == null) {
            changes.add(new Change(seq, method, null, null, null, notification.path("params"), notification,
                    order++));
            return changes;
        }
        String monitor = Json.toText(notification.path("params").path(0));
        for (Iterator<Map.Entry<String, JsonNode>> tables = updates.fields(); tables.hasNext();) {
            Map.Entry<String, JsonNode> table = tables.next();
            for (Iterator<Map.Entry<String, JsonNode>> rows = table.getValue().fields(); rows.hasNext();) {
                Map.Entry<String, JsonNode> row = rows.next();
                changes.add(new Change(seq, method, monitor, table.getKey(),
                        UuidMap.isUuid(row.getKey()) ? row.getKey() : null, row.getValue(), notification, order++));
            }
        }
        return changes;
    }

    private void add(Map<String, List<Change>> pending, Change change) {
        pending.computeIfAbsent(change.key(comparison), k -> new ArrayList<>()).add(change);
    }

    private static Change earliest(Map<String, List<Change>> pending) {
        Change earliest = null;
        for (List<Change> changes : pending.values()) {
            for (Change change : changes) {
                if (earliest == null || change.order() < earliest.order()) {
                    earliest = change;
                }
            }
        }
        return earliest;
    }

    private Change closest(Change recorded) {
        Change closest = null;
        for (List<Change> changes : livePending.values()) {
            for (Change change : changes) {
                if (change.method().equals(recorded.method()) && Objects.equals(change.table(),
                        recorded.table()) && (closest == null || change.order() < closest.order())) {
                    closest = change;
                }
            }
        }
        return closest;
    }
}
