package io.streamreplay.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.Json;

/** An OVSDB error, as a person reads it: {@code "tag: details"}, or the bare string the server sent. */
final class ErrorText {

    private ErrorText() {
    }

    static String of(JsonNode error) {
        if (error.isTextual()) {
            return error.textValue();
        }
        if (error.isObject() && error.has("error")) {
            String text = error.get("error").asText();
            return error.has("details") ? text + ": " + error.get("details").asText() : text;
        }
        return Json.toText(error);
    }
}
