package io.streamreplay.tool.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.tool.drive.RecordedConnection.ExpectedMessage;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Live monitor updates matched with the recorded ones whatever the server's batching and the commit order. */
class NotificationCheckTest {

    private final UuidMap uuids = new UuidMap();
    private final NotificationCheck check = new NotificationCheck(new ReplyComparison(uuids, Set.of(), true), uuids);

    private static JsonNode update(String rows) throws IOException {
        return Json.parse(("{'id':null,'method':'update3','params':[['m','kv'],'00000000-0000-0000-0000-000000000000',"
                + "{'kv':{" + rows + "}}]}").replace('\'', '"'));
    }

    private static String row(int n, String name) {
        return String.format("'%08d-0000-4000-8000-000000000000':{'insert':{'name':'%s'}}", n, name);
    }

    private static ExpectedMessage recorded(long seq, JsonNode json) {
        return new ExpectedMessage(seq, Json.toBytes(json));
    }

    @Test
    void changesBatchedOtherwiseAndInAnotherOrderMatch() throws Exception {
        check.recorded(recorded(10, update(row(1, "a") + "," + row(2, "b"))));
        check.recorded(recorded(20, update(row(3, "c"))));
        check.live(update(row(13, "b")));
        check.live(update(row(12, "c") + "," + row(11, "a")));
        assertEquals(0, check.unmatched());
        assertNull(check.leftover());
        assertEquals("00000011-0000-4000-8000-000000000000", uuids.live("00000001-0000-4000-8000-000000000000"));
        assertEquals(3, NotificationCheck.units(update(row(1, "a") + "," + row(2, "b") + "," + row(3, "c"))));
    }

    @Test
    void aChangeTheTargetNeverSentIsReportedAtItsRecordedNotification() throws Exception {
        check.recorded(recorded(10, update(row(1, "a"))));
        check.recorded(recorded(20, update(row(2, "b"))));
        check.live(update(row(11, "a")));
        check.live(update(row(12, "B")));
        Mismatch leftover = check.leftover();
        assertNotNull(leftover);
        assertEquals(20, leftover.seq());
        assertTrue(leftover.expected().contains("\"name\":\"b\""), leftover.expected());
        assertTrue(leftover.actual().contains("\"name\":\"B\""), "the closest live change: " + leftover.actual());
    }

    @Test
    void otherNotificationsAreMatchedWhole() throws Exception {
        JsonNode canceled = Json.parse("{\"id\":null,\"method\":\"monitor_canceled\",\"params\":[\"m\"]}");
        check.recorded(recorded(5, canceled));
        check.live(canceled);
        assertNull(check.leftover());
        assertEquals(1, NotificationCheck.units(canceled));
    }
}
