package io.streamreplay.client.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.jsonrpc.Json;
import org.junit.jupiter.api.Test;

/** The transactions of the bench presets, as the server receives them. */
class WorkloadTest {

    private static final String U0 = "5d1c3b3e-0b62-4c0e-9d1a-000000000000";
    private static final String U1 = "5d1c3b3e-0b62-4c0e-9d1a-000000000001";

    @Test
    void theStandardPresetAddressesRowsByName() {
        Workload standard = Workload.standard("kvdb", 3);
        assertEquals("[\"kvdb\",{\"table\":\"kv\",\"op\":\"insert\",\"row\":{\"name\":\"c3-0\",\"value\":0}}]",
                Json.toText(standard.next()));
        standard.next();
        assertTrue(standard.ready(), "the standard preset never waits for a reply");
        assertEquals("[\"kvdb\",{\"table\":\"kv\",\"op\":\"update\",\"where\":[[\"name\",\"==\",\"c3-0\"]],"
                + "\"row\":{\"value\":-2}}]", Json.toText(standard.next()));
        assertEquals("[\"kvdb\",{\"table\":\"kv\",\"op\":\"delete\",\"where\":[[\"name\",\"==\",\"c3-1\"]]}]",
                Json.toText(standard.next()));
    }

    @Test
    void theUuidPresetSendsTheStandardMixAddressedByTheUuidsTheInsertsReturned() throws Exception {
        Workload uuid = Workload.uuid("kvdb", 3);
        assertEquals("[\"kvdb\",{\"table\":\"kv\",\"op\":\"insert\",\"row\":{\"name\":\"c3-0\",\"value\":0}}]",
                Json.toText(uuid.next()));
        assertEquals("[\"kvdb\",{\"table\":\"kv\",\"op\":\"insert\",\"row\":{\"name\":\"c3-1\",\"value\":1}}]",
                Json.toText(uuid.next()));
        assertFalse(uuid.ready(), "the update waits for the reply to the insert it addresses");
        assertThrows(IllegalStateException.class, uuid::next);

        uuid.answered(1, Json.parse("[{\"uuid\":[\"uuid\",\"" + U1 + "\"]}]"));
        assertFalse(uuid.ready(), "the update addresses transaction 0's row, not 1's");
        uuid.answered(0, Json.parse("[{\"uuid\":[\"uuid\",\"" + U0 + "\"]}]"));
        assertTrue(uuid.ready());
        assertEquals("[\"kvdb\",{\"table\":\"kv\",\"op\":\"update\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"" + U0
                + "\"]]],\"row\":{\"value\":-2}}]", Json.toText(uuid.next()));
        assertEquals("[\"kvdb\",{\"table\":\"kv\",\"op\":\"delete\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"" + U1
                + "\"]]]}]", Json.toText(uuid.next()));
        assertTrue(uuid.ready(), "the next inserts need no reply");
        uuid.answered(2, Json.parse("[{\"count\":1}]"));
        uuid.answered(3, Json.parse("[{\"count\":1}]"));
        assertTrue(uuid.ready());
    }

    @Test
    void anInsertThatFailedIsAddressedByAUuidNoRowHasSoItsUpdateMatchesNothing() throws Exception {
        Workload uuid = Workload.uuid("kvdb", 0);
        uuid.next();
        uuid.next();
        uuid.answered(0, null);
        uuid.answered(1, Json.parse("[{\"error\":\"constraint violation\"}]"));
        assertEquals("[\"kvdb\",{\"table\":\"kv\",\"op\":\"update\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\""
                + Workload.NO_ROW + "\"]]],\"row\":{\"value\":-2}}]", Json.toText(uuid.next()));
        assertEquals("[\"kvdb\",{\"table\":\"kv\",\"op\":\"delete\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\""
                + Workload.NO_ROW + "\"]]]}]", Json.toText(uuid.next()));
    }
}
