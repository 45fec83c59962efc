package io.streamreplay.dbserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.streamreplay.dbserver.protocol.JsonText;
import io.streamreplay.dbserver.protocol.MemberParser;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.jsonrpc.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The type of a key or value: an atomic type plus its constraints (an enumeration, an integer or real range, a
 * string length range, or a reference to a table). Knows how to read and write its atoms as JSON and how to check
 * them, with Open vSwitch's error texts. A schema's JSON is read by {@link BaseTypeParser}.
 *
 * <p>Immutable.
 */
public final class BaseType {

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** The largest length a string may be given: Open vSwitch's {@code UINT_MAX}. */
    static final long UINT_MAX = 4294967295L;
    private static final Pattern BARE_WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private final AtomicType type;
    private final Object[] enumeration;
    private final long minInteger;
    private final long maxInteger;
    private final double minReal;
    private final double maxReal;
    private final long minLength;
    private final long maxLength;
    private final String refTable;
    private final RefType refType;

    /** A base type with these constraints; the ones a type does not have are at their widest. */
    BaseType(AtomicType type, Object[] enumeration, long minInteger, long maxInteger, double minReal,
            double maxReal, long minLength, long maxLength, String refTable, RefType refType) {
        this.type = type;
        this.enumeration = enumeration;
        this.minInteger = minInteger;
        this.maxInteger = maxInteger;
        this.minReal = minReal;
        this.maxReal = maxReal;
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.refTable = refTable;
        this.refType = refType;
    }

    /** {@code type} without constraints. */
    public static BaseType of(AtomicType type) {
        return new BaseType(type, null, Long.MIN_VALUE, Long.MAX_VALUE, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY, 0, UINT_MAX, null, RefType.STRONG);
    }

    /** The same atomic type (and reference), without the constraints that {@code includes} and mutators relax. */
    public BaseType withoutConstraints() {
        return new BaseType(type, null, Long.MIN_VALUE, Long.MAX_VALUE, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY, 0, UINT_MAX, refTable, refType);
    }

    /** Parses a schema's {@code <base-type>} ({@link BaseTypeParser}). */
    public static BaseType fromJson(JsonNode json) throws OvsdbException {
        return BaseTypeParser.parse(json);
    }

    /** The atomic type. */
    public AtomicType type() {
        return type;
    }

    /** The referenced table, or null. */
    public String refTable() {
        return refTable;
    }

    /** Whether this is a strong reference to a table. */
    public boolean isStrongRef() {
        return refTable != null && refType == RefType.STRONG;
    }

    /** Whether this is a weak reference to a table. */
    public boolean isWeakRef() {
        return refTable != null && refType == RefType.WEAK;
    }

    boolean hasConstraints() {
        return enumeration != null || minInteger != Long.MIN_VALUE || maxInteger != Long.MAX_VALUE
                || minReal != Double.NEGATIVE_INFINITY || maxReal != Double.POSITIVE_INFINITY || minLength != 0
                || maxLength != UINT_MAX || refTable != null;
    }

    /**
     * Reads one atom of this type.
     *
     * @param names resolves {@code named-uuid}s; null where they are not allowed
     */
    public Object atomFromJson(JsonNode json, NamedUuids names) throws OvsdbException {
        switch (type) {
            case INTEGER -> {
                if (json.isIntegralNumber() && json.canConvertToLong()) {
                    return json.longValue();
                }
                // OVSDB types numbers by value: 3.0 is the integer 3.
                if (json.isFloatingPointNumber() && json.doubleValue() == Math.rint(json.doubleValue())
                        && Math.abs(json.doubleValue()) < 0x1p63) {
                    return (long) json.doubleValue();
                }
            }
            case REAL -> {
                if (json.isNumber()) {
                    return json.doubleValue();
                }
            }
            case BOOLEAN -> {
                if (json.isBoolean()) {
                    return json.booleanValue();
                }
            }
            case STRING -> {
                if (json.isTextual()) {
                    return json.textValue();
                }
            }
            default -> {
                return uuidFromJson(json, names);
            }
        }
        throw OvsdbException.syntax(json, "expected " + type.jsonName());
    }

    /** {@code ["uuid", TEXT]}, or {@code ["named-uuid", ID]} where names are allowed; as Open vSwitch words it. */
    private static Object uuidFromJson(JsonNode json, NamedUuids names) throws OvsdbException {
        if (isPair(json, "uuid")) {
            String text = json.get(1).textValue();
            if (!UUID_TEXT.matcher(text).matches()) {
                throw OvsdbException.syntax(json, "\"" + text + "\" is not a valid UUID");
            }
            return UUID.fromString(text);
        }
        if (names != null && isPair(json, "named-uuid")) {
            if (!MemberParser.isId(json.get(1).textValue())) {
                throw OvsdbException.syntax(json, "named-uuid string is not a valid <id>");
            }
            return names.resolve(json.get(1).textValue());
        }
        throw OvsdbException.syntax(json, "expected [\"uuid\", <string>]");
    }

    private static boolean isPair(JsonNode json, String tag) {
        return json.isArray() && json.size() == 2 && tag.equals(json.get(0).textValue()) && json.get(1).isTextual();
    }

    /** Writes one atom of this type. */
    public static JsonNode atomToJson(Object atom) {
        if (atom instanceof Long value) {
            return LongNode.valueOf(value);
        }
        if (atom instanceof Double value) {
            return DoubleNode.valueOf(value);
        }
        if (atom instanceof Boolean value) {
            return BooleanNode.valueOf(value);
        }
        if (atom instanceof String value) {
            return TextNode.valueOf(value);
        }
        return Json.NODES.arrayNode().add("uuid").add(atom.toString());
    }

    /**
     * One atom in the bare text form of Open vSwitch's errors ({@code ovsdb_atom_to_string}): integers in decimal,
     * reals as {@code %.15g}, strings quoted when a bare word would not do.
     */
    public static String atomToText(Object atom) {
        if (atom instanceof Double real) {
            return JsonText.real(real);
        }
        if (atom instanceof String text) {
            if (!BARE_WORD.matcher(text).matches() || text.equals("true") || text.equals("false")
                    || isUuid(text)) {
                StringBuilder quoted = new StringBuilder();
                JsonText.string(text, quoted);
                return quoted.toString();
            }
            return text;
        }
        return atom.toString();
    }

    /** Whether {@code text} is a UUID in the canonical 8-4-4-4-12 form. */
    public static boolean isUuid(String text) {
        return UUID_TEXT.matcher(text).matches();
    }

    /**
     * Checks {@code atom} against this type's constraints.
     *
     * @throws OvsdbException a {@code "constraint violation"} with OVS's wording
     */
    public void checkConstraints(Object atom) throws OvsdbException {
        if (enumeration != null) {
            if (Arrays.binarySearch(enumeration, atom, AtomicType::compare) < 0) {
                List<String> allowed = new ArrayList<>();
                for (Object value : enumeration) {
                    allowed.add(atomToText(value));
                }
                throw violation(atomToText(atom) + " is not one of the allowed values ([" + String.join(", ",
                        allowed) + "])");
            }
            return;
        }
        switch (type) {
            case INTEGER -> {
                long value = (Long) atom;
                if (value < minInteger || value > maxInteger) {
                    throw violation(rangeText(Long.toString(value), minInteger != Long.MIN_VALUE,
                            Long.toString(minInteger), maxInteger != Long.MAX_VALUE, Long.toString(maxInteger),
                            value < minInteger));
                }
            }
            case REAL -> {
                double value = (Double) atom;
                if (value < minReal || value > maxReal) {
                    throw violation(rangeText(JsonText.real(value), minReal != Double.NEGATIVE_INFINITY,
                            JsonText.real(minReal), maxReal != Double.POSITIVE_INFINITY, JsonText.real(maxReal),
                            value < minReal));
                }
            }
            case STRING -> {
                String value = (String) atom;
                String invalid = invalidUtf8(value);
                if (invalid != null) {
                    throw violation("not a valid UTF-8 string: invalid UTF-8 sequence " + invalid);
                }
                long length = value.codePointCount(0, value.length());
                if (length < minLength) {
                    throw violation("\"" + value + "\" length " + length + " is less than minimum allowed length "
                            + minLength);
                }
                if (length > maxLength) {
                    throw violation("\"" + value + "\" length " + length
                            + " is greater than maximum allowed length " + maxLength);
                }
            }
            default -> {}
        }
    }

    private static String rangeText(String value, boolean hasMin, String min, boolean hasMax, String max,
            boolean tooSmall) {
        if (hasMin && hasMax) {
            return value + " is not in the valid range " + min + " to " + max + " (inclusive)";
        }
        return tooSmall ? value + " is less than minimum allowed value " + min
                : value + " is greater than maximum allowed value " + max;
    }

    /**
     * The first bytes Open vSwitch's UTF-8 check would refuse in {@code text} encoded as UTF-8, or null if it is
     * valid: a lone surrogate (which reaches a string only through a {@code \\uDC00} escape; the JSON reader refuses
     * every other invalid sequence) encodes as {@code 0xed} and a second byte that check stops at.
     */
    private static String invalidUtf8(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return String.format("0x%02x 0x%02x", 0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f));
            }
        }
        return null;
    }

    private static OvsdbException violation(String details) {
        return new OvsdbException("constraint violation", details);
    }

    /** The schema JSON: a bare type name when unconstrained, otherwise an object. */
    public JsonNode toJson() {
        if (!hasConstraints()) {
            return TextNode.valueOf(type.jsonName());
        }
        ObjectNode json = Json.NODES.objectNode();
        json.put("type", type.jsonName());
        if (enumeration != null) {
            if (enumeration.length == 1) {
                json.set("enum", atomToJson(enumeration[0]));
            } else {
                ArrayNode atoms = Json.array();
                for (Object atom : enumeration) {
                    atoms.add(atomToJson(atom));
                }
                json.set("enum", Json.NODES.arrayNode().add("set").add(atoms));
            }
        }
        if (minInteger != Long.MIN_VALUE) {
            json.put("minInteger", minInteger);
        }
        if (maxInteger != Long.MAX_VALUE) {
            json.put("maxInteger", maxInteger);
        }
        if (minReal != Double.NEGATIVE_INFINITY) {
            json.put("minReal", minReal);
        }
        if (maxReal != Double.POSITIVE_INFINITY) {
            json.put("maxReal", maxReal);
        }
        if (minLength != 0) {
            json.put("minLength", minLength);
        }
        if (maxLength != UINT_MAX) {
            json.put("maxLength", maxLength);
        }
        if (refTable != null) {
            json.put("refTable", refTable);
            if (refType == RefType.WEAK) {
                json.put("refType", "weak");
            }
        }
        return json;
    }

    /** A description as OVS words it in errors, such as {@code "string"} or {@code "uuid"}. */
    public String describe() {
        return type.jsonName();
    }
}
