package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.stream.TlsConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OVSDB methods of a running server, over a real Unix socket, as clients rely on them (RFC 7047 and OVS). */
class ProtocolIT {

    @TempDir
    static Path dir;
    private static ServerProcess server;
    private static String remote;

    @BeforeAll
    static void startServer() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        remote = "unix:" + dir.resolve("db.sock");
        server = ServerProcess.start(dir, dir.resolve("server.out"), List.of("kv.db", "--remote=punix:"
                + dir.resolve("db.sock"), "--control=" + dir.resolve("ctl")));
        server.awaitLine("serving");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static OvsdbTestClient client() throws Exception {
        return OvsdbTestClient.connect(remote, TlsConfig.none());
    }

    private static JsonNode insert(String name, long value) throws Exception {
        return Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"" + name + "\",\"value\":" + value
                + "}}");
    }

    @Test
    void unknownMethodsGetTheBareString() throws Exception {
        try (OvsdbTestClient client = client()) {
            Message reply = client.request("frobnicate");
            assertEquals(Message.Type.ERROR, reply.type());
            assertEquals("\"unknown method\"", reply.error().toString());
            assertEquals("[\"x\",{\"y\":1}]", client.call("echo", "x", Json.parse("{\"y\":1}")).toString());
        }
    }

    @Test
    void unknownDatabasesAreNamed() throws Exception {
        try (OvsdbTestClient client = client()) {
            JsonNode error = client.request("get_schema", "nope").error();
            assertEquals("unknown database", error.get("error").asText());
            assertEquals("get_schema request specifies unknown database nope", error.get("details").asText());
        }
    }

    @Test
    void theServerDatabaseDescribesEveryDatabaseAndIsReadOnly() throws Exception {
        try (OvsdbTestClient client = client()) {
            JsonNode rows = client.call("transact", "_Server", Json.parse("{\"op\":\"select\",\"table\":\"Database\","
                    + "\"where\":[[\"name\",\"==\",\"kvdb\"]],\"columns\":[\"model\",\"connected\",\"schema\"]}"))
                    .get(0).get("rows");
            assertEquals("standalone", rows.get(0).get("model").asText());
            JsonNode schema = Json.parse(rows.get(0).get("schema").asText());
            assertEquals(Json.parse(KvDatabase.SCHEMA).get("tables").get("kv").get("indexes"),
                    schema.get("tables").get("kv").get("indexes"));
            JsonNode denied = client.call("transact", "_Server", Json.parse("{\"op\":\"delete\",\"table\":"
                    + "\"Database\",\"where\":[]}")).get(0);
            assertEquals("not allowed", denied.get("error").asText());
            assertTrue(client.call("get_server_id").asText().matches("[0-9a-f-]{36}"));
        }
    }

    @Test
    void monitorUpdatesArriveBeforeTheTransactionReplyAndEchoTheMonitorId() throws Exception {
        try (OvsdbTestClient client = client()) {
            JsonNode id = Json.parse("[\"monid\",\"kvdb\"]");
            client.call("monitor_cond", "kvdb", id, Json.parse("{\"kv\":[{\"columns\":[\"name\",\"value\"],"
                    + "\"where\":[[\"value\",\">\",1000]]}]}"));
            client.call("transact", "kvdb", insert("mon-small", 1), insert("mon-big", 5000));
            List<Message> updates = client.awaitNotifications(0);
            assertEquals(1, updates.size(), "the update must already be there when the reply arrives");
            assertEquals("update2", updates.get(0).method());
            assertEquals(id, updates.get(0).params().get(0));
            JsonNode rows = updates.get(0).params().get(1).get("kv");
            assertEquals(1, rows.size());
            assertEquals("mon-big", rows.elements().next().get("insert").get("name").asText());

            client.call("monitor_cond_change", id, id, Json.parse("{\"kv\":[{\"where\":[[\"name\",\"==\","
                    + "\"mon-small\"]]}]}"));
            JsonNode change = client.awaitNotifications(0).get(0).params().get(1).get("kv");
            assertEquals(2, change.size(), "one row leaves the condition, one enters: " + change);

            JsonNode since = client.call("monitor_cond_since", "kvdb", "since", Json.parse("{\"kv\":[{}]}"),
                    "00000000-0000-0000-0000-000000000000");
            assertEquals(false, since.get(0).asBoolean());
            assertEquals(3, since.size());
            assertEquals("{}", client.call("monitor_cancel", "since").toString());
            assertEquals("\"unknown monitor\"", client.request("monitor_cancel", "since").error().toString());
        }
    }

    @Test
    void locksPassFromOwnerToWaiterAndCanBeStolen() throws Exception {
        try (OvsdbTestClient first = client(); OvsdbTestClient second = client()) {
            assertEquals(true, first.call("lock", "L").get("locked").asBoolean());
            assertEquals(false, second.call("lock", "L").get("locked").asBoolean());
            assertEquals("not owner", second.call("transact", "kvdb", Json.parse("{\"op\":\"assert\","
                    + "\"lock\":\"L\"}")).get(0).get("error").asText());
            first.call("unlock", "L");
            Message locked = second.awaitNotifications(1).get(0);
            assertEquals("locked", locked.method());
            assertEquals(true, first.call("steal", "L").get("locked").asBoolean());
            assertEquals("stolen", second.awaitNotifications(1).get(0).method());
            assertEquals("syntax error", first.request("unlock", "other").error().get("error").asText());
        }
    }

    @Test
    void aClosedConnectionHandsItsLocksToTheNextWaiter() throws Exception {
        try (OvsdbTestClient waiter = client()) {
            try (OvsdbTestClient owner = client()) {
                assertEquals(true, owner.call("lock", "M").get("locked").asBoolean());
                assertEquals(false, waiter.call("lock", "M").get("locked").asBoolean());
            }
            assertEquals("locked", waiter.awaitNotifications(1).get(0).method());
        }
    }

    @Test
    void aParkedTransactionCanBeCanceledAndItsIdIsNotReusable() throws Exception {
        try (OvsdbTestClient client = client()) {
            client.call("set_db_change_aware", true);
            JsonNode never = Json.parse("{\"op\":\"wait\",\"table\":\"kv\",\"where\":[[\"name\",\"==\","
                    + "\"never-there\"]],\"until\":\"!=\",\"rows\":[]}");
            long parked = client.send("transact", "kvdb", never);
            client.resend(parked, "transact", Json.array("kvdb", never));
            Message duplicate = client.awaitReply(parked);
            assertEquals("transact: duplicate request ID", duplicate.error().get("details").asText());
            client.notify("cancel", parked);
            Message canceled = client.awaitReply(parked);
            assertEquals("\"canceled\"", canceled.error().toString());
        }
    }

    @Test
    void aWaitParksUntilAnotherClientCommitsWhatItWaitsFor() throws Exception {
        try (OvsdbTestClient waiter = client(); OvsdbTestClient writer = client()) {
            JsonNode wait = Json.parse("{\"op\":\"wait\",\"table\":\"kv\",\"where\":[[\"name\",\"==\",\"awaited\"]],"
                    + "\"columns\":[\"value\"],\"until\":\"==\",\"rows\":[{\"value\":42}]}");
            long parked = waiter.send("transact", "kvdb", wait, insert("after-wait", 1));
            waiter.call("echo");
            assertTrue(!waiter.hasReply(parked), "the wait must not be answered before its condition holds");
            writer.call("transact", "kvdb", insert("awaited", 42));
            JsonNode result = waiter.awaitReply(parked).result();
            assertEquals("{}", result.get(0).toString());
            assertTrue(result.get(1).has("uuid"), result.toString());
        }
    }

    @Test
    void invalidRequestsAreRefusedWithoutHarmingOthers() throws Exception {
        try (OvsdbTestClient client = client()) {
            assertEquals("set_db_change_aware: true or false parameter expected",
                    client.request("set_db_change_aware", "yes").error().get("details").asText());
            JsonNode bad = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\","
                    + "\"row\":{\"value\":\"x\"}}"));
            assertEquals("syntax error", bad.get(0).get("error").asText());
            assertEquals("{}", client.call("set_db_change_aware", true).toString());
        }
    }
}
