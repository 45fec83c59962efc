package io.streamreplay.dbserver.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
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
    /** Whether this parser raised an error: Open vSwitch keeps the first and reports no unused members then. */
    private boolean raised;

    private MemberParser(JsonNode object, String prefix) {
        this.object = object;
        this.prefix = prefix;
    }

    /** Starts parsing {@code json}, which must be an object ("Object expected.", without a syntax, otherwise). */
    public static MemberParser of(JsonNode json) throws OvsdbException {
        return of(json, "");
    }

    /** Likewise, with {@code prefix} before the details of every error, to say what was being parsed. */
    public static MemberParser of(JsonNode json, String prefix) throws OvsdbException {
        if (json == null || !json.isObject()) {
            throw OvsdbException.syntax(null, prefix + "Object expected.");
        }
        return new MemberParser(json, prefix);
    }

    /** The object being parsed. */
    public JsonNode object() {
        return object;
    }

    /** A syntax error about the object being parsed, with this parser's prefix. */
    public OvsdbException error(String details) {
        raised = true;
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
        return switch (kind) {
            case STRING -> value.isTextual();
            case ID -> value.isTextual() && isId(value.asText());
            case OBJECT -> value.isObject();
            case ARRAY -> value.isArray();
            case BOOLEAN -> value.isBoolean();
            case INTEGER -> value.isIntegralNumber();
            case NUMBER -> value.isNumber();
            default -> true;
        };
    }

    /**
     * Refuses members that were never asked for, unless this parser already raised an error: {@code Member 'x' is
     * present but not allowed here.}, or {@code Member 'x' and N other member(s) are present...} as Open vSwitch
     * words it. Called after the object's meaning was checked too, since an error here overrides any other (as in
     * Open vSwitch's {@code ovsdb_parser_finish}).
     */
    public void finish() throws OvsdbException {
        if (raised) {
            return;
        }
        List<String> unused = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!used.contains(name)) {
                unused.add(name);
            }
        }
        if (unused.isEmpty()) {
            return;
        }
        // Open vSwitch names the first unused member in its hash table's order.
        List<String> order = ShashOrder.of(fieldNames(object));
        order.retainAll(unused);
        String first = order.get(0);
        if (unused.size() == 1) {
            throw error("Member '" + first + "' is present but not allowed here.");
        }
        throw error("Member '" + first + "' and " + (unused.size() - 1) + " other member"
                + (unused.size() > 2 ? "s" : "") + " are present but not allowed here.");
    }

    /** The member names of {@code object}, in order. */
    public static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>(object.size());
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
