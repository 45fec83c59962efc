package io.streamreplay.dbserver.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.jsonrpc.Json;

/**
 * An OVSDB {@code <error>} (RFC 7047 §3.1): a tag such as {@code "constraint violation"}, human-readable details,
 * and optionally the offending JSON. Thrown wherever a request, schema, value or file is refused; {@link #toJson()}
 * is exactly what goes on the wire.
 *
 * <p>Immutable.
 */
public final class OvsdbException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The tag of errors in the shape of JSON input. */
    public static final String SYNTAX = "syntax error";

    private final String tag;
    private final transient JsonNode syntax;
    /** The system's words for an I/O failure, Open vSwitch's {@code io-error} member; null for other errors. */
    private final String ioError;

    public OvsdbException(String tag, String details) {
        this(tag, details, null);
    }

    /** @param syntax the offending JSON, sent back as text with sorted members (as Open vSwitch does); may be null */
    public OvsdbException(String tag, String details, JsonNode syntax) {
        this(tag, details, syntax, null);
    }

    private OvsdbException(String tag, String details, JsonNode syntax, String ioError) {
        super(details);
        this.tag = tag;
        this.syntax = syntax;
        this.ioError = ioError;
    }

    /**
     * An {@code "I/O error"} as Open vSwitch reports one ({@code ovsdb_io_error}): {@code details} says what failed
     * ({@code kv.db: write failed}), and the {@code io-error} member the system's reason
     * ({@code No space left on device}).
     */
    public static OvsdbException io(String details, String reason) {
        return new OvsdbException("I/O error", details, null, reason);
    }

    /** A {@code "syntax error"} about {@code json}. */
    public static OvsdbException syntax(JsonNode json, String details) {
        return new OvsdbException(SYNTAX, details, json);
    }

    /** The error tag, such as {@code "referential integrity violation"}. */
    public String tag() {
        return tag;
    }

    /** The details text. */
    public String details() {
        return getMessage();
    }

    /** The same error with {@code prefix} before its details (as OVS does for "Parsing ovsdb operation ..."). */
    public OvsdbException withPrefix(String prefix) {
        return new OvsdbException(tag, prefix + getMessage(), syntax, ioError);
    }

    /** {@code {"error":TAG,"details":TEXT,"syntax":JSON-TEXT,"io-error":TEXT}}, without the members it lacks. */
    public ObjectNode toJson() {
        ObjectNode json = Json.NODES.objectNode();
        json.put("error", tag);
        if (getMessage() != null) {
            json.put("details", getMessage());
        }
        if (syntax != null) {
            json.put("syntax", JsonText.sorted(syntax));
        }
        if (ioError != null) {
            json.put("io-error", ioError);
        }
        return json;
    }

    /** {@code "tag: details"}, as Open vSwitch's tools print an error; {@link #getMessage()} stays the details alone. */
    @Override
    @SuppressWarnings("OverrideThrowableToString")
    public String toString() {
        return tag + ": " + getMessage();
    }
}
