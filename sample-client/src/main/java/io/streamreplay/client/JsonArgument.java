package io.streamreplay.client;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * JSON given on the command line (a TXN, a condition), checked before anything is sent: a syntax error names the
 * argument and the position of the error.
 */
final class JsonArgument {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonArgument() {
    }

    /** Parses {@code text}, the argument called {@code what}, which must be a JSON array. */
    static ArrayNode array(String what, String text) throws ClientException {
        JsonNode json;
        try {
            json = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ClientException(ClientException.BAD_INPUT, what + ": not valid JSON" + where + ": "
                    + e.getOriginalMessage());
        }
        if (json == null || !json.isArray()) {
            throw new ClientException(ClientException.BAD_INPUT, what + ": a JSON array is expected");
        }
        return (ArrayNode) json;
    }

    /** Parses a TXN: {@code ["DB", OPERATION...]}, each operation an object. */
    static ArrayNode transaction(String text) throws ClientException {
        ArrayNode txn = array("TXN", text);
        if (txn.isEmpty() || !txn.get(0).isTextual()) {
            throw new ClientException(ClientException.BAD_INPUT, "TXN: the first element must be the database"
                    + " name");
        }
        for (int i = 1; i < txn.size(); i++) {
            if (!txn.get(i).isObject()) {
                throw new ClientException(ClientException.BAD_INPUT, "TXN: operation " + i
                        + " (element " + (i + 1) + ") is not a JSON object");
            }
        }
        return txn;
    }
}
