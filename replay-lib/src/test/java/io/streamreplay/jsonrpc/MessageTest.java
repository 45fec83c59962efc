package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

/** Message shapes and their validation, as in OVSDB-PROTOCOL §1.4. */
class MessageTest {

    private static Message parse(String json) throws Exception {
        return Message.fromJson(Json.parse(json));
    }

    private static String rejection(String json) {
        return assertThrows(ProtocolException.class, () -> parse(json)).getMessage();
    }

    @Test
    void typeFollowsFromTheMembersPresentWithNullMeaningAbsent() throws Exception {
        assertEquals(Message.Type.REQUEST, parse("{\"id\":1,\"method\":\"m\",\"params\":[]}").type());
        assertEquals(Message.Type.NOTIFICATION, parse("{\"id\":null,\"method\":\"m\",\"params\":[]}").type());
        assertEquals(Message.Type.REPLY, parse("{\"id\":1,\"result\":{},\"error\":null}").type());
        assertEquals(Message.Type.ERROR, parse("{\"id\":1,\"error\":\"x\"}").type());
        assertEquals(Message.Type.ERROR, parse("{\"id\":1,\"result\":null,\"error\":{\"error\":\"x\"}}").type());
    }

    @Test
    void invalidShapesAreRejectedWithTheRuleBroken() {
        assertEquals("message has unexpected member \"jsonrpc\"",
                rejection("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":[]}"));
        assertEquals("request must have \"params\"", rejection("{\"id\":1,\"method\":\"get_server_id\"}"));
        assertEquals("request must have \"params\"",
                rejection("{\"id\":1,\"method\":\"get_server_id\",\"params\":null}"));
        assertEquals("request \"params\" is not an array", rejection("{\"id\":1,\"method\":\"m\",\"params\":{}}"));
        assertEquals("request \"method\" is not a string", rejection("{\"id\":1,\"method\":7,\"params\":[]}"));
        assertEquals("notification must have \"method\"", rejection("{\"id\":null,\"result\":null,\"error\":null}"));
        assertEquals("reply must not have \"method\"",
                rejection("{\"id\":1,\"method\":\"m\",\"result\":1,\"params\":[]}"));
        assertEquals("reply must have \"id\"", rejection("{\"result\":1}"));
        assertEquals("message is not a JSON object", rejection("[1]"));
    }

    @Test
    void serializationWritesTheMembersOpenVswitchWrites() {
        assertEquals("{\"id\":7,\"method\":\"echo\",\"params\":[\"a\"]}",
                Message.request("echo", Json.array("a"), IntNode.valueOf(7)).toString());
        assertEquals("{\"id\":null,\"method\":\"update\",\"params\":[]}",
                Message.notification("update", Json.array()).toString());
        assertEquals("{\"id\":\"x\",\"result\":{},\"error\":null}",
                Message.reply(Json.NODES.objectNode(), TextNode.valueOf("x")).toString());
        // As ovsdb-server 3.1 sends it: an error reply has no "result" member.
        assertEquals("{\"id\":[1],\"error\":\"unknown method\"}",
                Message.error("unknown method", Json.array(1)).toString());
        assertThrows(IllegalArgumentException.class, () -> Message.reply(Json.NODES.nullNode(), IntNode.valueOf(1)));
    }

    @Test
    void serializedMessagesParseBackEqual() throws Exception {
        Message request = Message.request("transact", Json.array("db", Json.NODES.objectNode().put("op", "select")),
                Json.array("monid", "db"));
        assertEquals(request, parse(request.toString()));
    }
}
