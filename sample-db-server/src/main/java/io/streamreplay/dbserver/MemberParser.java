package io.streamreplay.dbserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the members of one JSON object strictly, as OVSDB does: a required member that is missing, a member of the
 * wrong JSON type, and (on {@link #finish()}) any member nobody asked for are {@code "syntax error"}s with Open
 * vSwitch's wording.
 *
 * <p>Not thread-safe; one per object parsed.
 */
public final class MemberParser {

    private static final Pattern ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The JSON kinds a member may be required to have. */
    public enum Kind {
        ANY, STRING, ID, OBJECT, ARRAY, BOOLEAN, INTEGER, NUMBER
    }

    private final JsonNode object;
    private final String prefix;
    private final Set<String> used = new HashSet<>();

    private MemberParser(JsonNode object, String prefix) {
        this.object = object;
        this.prefix = prefix;
    }

    /** Starts parsing {@code json}, which must be an object ("Object expected." otherwise). */
    public static MemberParser of(JsonNode json) throws OvsdbException {
        return of(json, "");
    }

    /** Likewise, with {@code prefix} before the details of every error, to say what was being parsed. */
    public static MemberParser of(JsonNode json, String prefix) throws OvsdbException {
        if (json == null || !json.isObject()) {
            throw OvsdbException.syntax(json, prefix + "Object expected.");
        }
        return new MemberParser(json, prefix);
    }

    /** A syntax error about the object being parsed, with this parser's prefix. */
    public OvsdbException error(String details) {
        return OvsdbException.syntax(object, prefix + details);
    }

    /** Whether {@code text} is an OVSDB {@code <id>}. */
    public static boolean isId(String text) {
        return ID.matcher(text).matches();
    }

    /** The required member {@code name} of kind {@code kind}. */
    public JsonNode required(String name, Kind kind) throws OvsdbException {
        JsonNode value = optional(name, kind);
        if (value == null) {
            throw error("Required '" + name + "' member is missing.");
        }
        return value;
    }

    /** The member {@code name} of kind {@code kind}, or null if absent. */
    public JsonNode optional(String name, Kind kind) throws OvsdbException {
        JsonNode value = object.get(name);
        if (value == null) {
            return null;
        }
        used.add(name);
        if (!matches(value, kind)) {
            throw error("Type mismatch for member '" + name + "'.");
        }
        return value;
    }

    private static boolean matches(JsonNode value, Kind kind) {
        switch (kind) {
            case STRING:
                return value.isTextual();
            case ID:
                return value.isTextual() && isId(value.asText());
            case OBJECT:
                return value.isObject();
            case ARRAY:
                return value.isArray();
            case BOOLEAN:
                return value.isBoolean();
            case INTEGER:
                return value.isIntegralNumber();
            case NUMBER:
                return value.isNumber();
            default:
                return true;
        }
    }

    /** Refuses members that were never asked for. */
    public void finish() throws OvsdbException {
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!used.contains(name)) {
                throw error("Member '" + name + "' is present but not allowed here.");
            }
        }
    }
}
