package io.streamreplay.jsonrpc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One JSON-RPC 1.0 message, validated exactly as Open vSwitch validates it.
 *
 * <p>A message is an object whose only members are {@code method}, {@code params}, {@code result}, {@code error}
 * and {@code id}; a {@code null} member counts as absent. The type follows from which members are present:
 * {@code result} makes a reply, else {@code error} an error, else {@code id} a request, else a notification.
 * Requests and notifications need a string {@code method} and an array {@code params}; replies and errors need an
 * {@code id}. Immutable; thread-safe if its JSON nodes are not modified.
 */
public final class Message {

    /** The four kinds of message. */
    public enum Type {
        /** A call that expects a reply: method, params and a non-null id. */
        REQUEST,
        /** A call without reply: method and params, id null. */
        NOTIFICATION,
        /** A successful answer: a non-null result and the request's id. */
        REPLY,
        /** A failed answer: a non-null error and the request's id. */
        ERROR;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Set<String> MEMBERS = Set.of("method", "params", "result", "error", "id");

    private final Type type;
    private final String method;
    private final ArrayNode params;
    private final JsonNode result;
    private final JsonNode error;
    private final JsonNode id;

    private Message(Type type, String method, ArrayNode params, JsonNode result, JsonNode error, JsonNode id) {
        this.type = type;
        this.method = method;
        this.params = params;
        this.result = result;
        this.error = error;
        this.id = id;
    }

    /** A request; {@code id} must not be null or JSON null. */
    public static Message request(String method, ArrayNode params, JsonNode id) {
        if (id == null || id.isNull()) {
            throw new IllegalArgumentException("a request needs a non-null id");
        }
        return new Message(Type.REQUEST, Objects.requireNonNull(method), Objects.requireNonNull(params), null, null,
                id);
    }

    /** A notification. */
    public static Message notification(String method, ArrayNode params) {
        return new Message(Type.NOTIFICATION, Objects.requireNonNull(method), Objects.requireNonNull(params), null,
                null, null);
    }

    /** A reply carrying {@code result}, which must not be JSON null (use {@code {}} for "nothing"). */
    public static Message reply(JsonNode result, JsonNode id) {
        if (result == null || result.isNull()) {
            throw new IllegalArgumentException("a reply's result must not be null; reply {} for nothing");
        }
        return new Message(Type.REPLY, null, null, result, null, Objects.requireNonNull(id));
    }

    /** An error reply carrying {@code error}, which must not be JSON null. */
    public static Message error(JsonNode error, JsonNode id) {
        if (error == null || error.isNull()) {
            throw new IllegalArgumentException("an error's error member must not be null");
        }
        return new Message(Type.ERROR, null, null, null, error, Objects.requireNonNull(id));
    }

    /** An error reply whose error is the bare string {@code text}, such as {@code "unknown method"}. */
    public static Message error(String text, JsonNode id) {
        return error(TextNode.valueOf(text), id);
    }

    /**
     * Validates {@code json} and returns it as a message.
     *
     * @throws ProtocolException naming the first rule broken
     */
    public static Message fromJson(JsonNode json) throws ProtocolException {
        if (!json.isObject()) {
            throw new ProtocolException("message is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext();) {
            String member = it.next().getKey();
            if (!MEMBERS.contains(member)) {
                throw new ProtocolException("message has unexpected member \"" + member + "\"");
            }
        }
        JsonNode method = present(json, "method");
        JsonNode params = present(json, "params");
        JsonNode result = present(json, "result");
        JsonNode error = present(json, "error");
        JsonNode id = present(json, "id");

        Type type = result != null ? Type.REPLY : error != null ? Type.ERROR : id != null ? Type.REQUEST
                : Type.NOTIFICATION;
        boolean call = type == Type.REQUEST || type == Type.NOTIFICATION;
        require(type, "method", method, call);
        require(type, "params", params, call);
        require(type, "result", result, type == Type.REPLY);
        require(type, "error", error, type == Type.ERROR);
        require(type, "id", id, type != Type.NOTIFICATION);
        if (method != null && !method.isTextual()) {
            throw new ProtocolException(type.label() + " \"method\" is not a string");
        }
        if (params != null && !params.isArray()) {
            throw new ProtocolException(type.label() + " \"params\" is not an array");
        }
        return new Message(type, method == null ? null : method.asText(), (ArrayNode) params, result, error, id);
    }

    private static JsonNode present(JsonNode json, String member) {
        JsonNode value = json.get(member);
        return value == null || value.isNull() ? null : value;
    }

    private static void require(Type type, String member, JsonNode value, boolean must) throws ProtocolException {
        if (must && value == null) {
            throw new ProtocolException(type.label() + " must have \"" + member + "\"");
        }
        if (!must && value != null) {
            throw new ProtocolException(type.label() + " must not have \"" + member + "\"");
        }
    }

    /**
     * This message as a JSON object, with the members Open vSwitch writes: an error reply has no {@code result}
     * (Open vSwitch's {@code jsonrpc_create_error} leaves it out), a notification a null {@code id}.
     */
    public ObjectNode toJson() {
        ObjectNode json = Json.NODES.objectNode();
        json.set("id", id == null ? NullNode.getInstance() : id);
        switch (type) {
            case REQUEST, NOTIFICATION -> {
                json.put("method", method);
                json.set("params", params);
            }
            case REPLY -> {
                json.set("result", result);
                json.set("error", NullNode.getInstance());
            }
            default -> json.set("error", error);
        }
        return json;
    }

    /** Writes {@link #toJson()} without building it. */
    void write(JsonGenerator generator) throws IOException {
        generator.writeStartObject();
        generator.writeFieldName("id");
        Json.write(generator, id == null ? NullNode.getInstance() : id);
        switch (type) {
            case REQUEST, NOTIFICATION -> {
                generator.writeStringField("method", method);
                generator.writeFieldName("params");
                Json.write(generator, params);
            }
            case REPLY -> {
                generator.writeFieldName("result");
                Json.write(generator, result);
                generator.writeNullField("error");
            }
            default -> {
                generator.writeFieldName("error");
                Json.write(generator, error);
            }
        }
        generator.writeEndObject();
    }

    /** The message's type. */
    public Type type() {
        return type;
    }

    /** The method of a request or notification, else null. */
    public String method() {
        return method;
    }

    /** The params of a request or notification, else null. */
    public ArrayNode params() {
        return params;
    }

    /** The result of a reply, else null. */
    public JsonNode result() {
        return result;
    }

    /** The error of an error reply, else null. */
    public JsonNode error() {
        return error;
    }

    /** The id, or null for a notification. */
    public JsonNode id() {
        return id;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Message that && toJson().equals(that.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    /** The message as compact JSON, as it goes on the wire. */
    @Override
    public String toString() {
        return Json.toText(toJson());
    }
}
