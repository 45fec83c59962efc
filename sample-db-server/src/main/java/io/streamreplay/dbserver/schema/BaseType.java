package io.streamreplay.dbserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.streamreplay.dbserver.MemberParser;
import io.streamreplay.dbserver.MemberParser.Kind;
import io.streamreplay.dbserver.OvsdbException;
import io.streamreplay.jsonrpc.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The type of a key or value: an atomic type plus its constraints (an enumeration, an integer or real range, a
 * string length range, or a reference to a table). Knows how to read and write its atoms as JSON and how to check
 * them, with Open vSwitch's error texts.
 *
 * <p>Immutable.
 */
public final class BaseType {

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final long UINT_MAX = 4294967295L;

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

    private BaseType(AtomicType type, Object[] enumeration, long minInteger, long maxInteger, double minReal,
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

    /** Parses a schema's {@code <base-type>}. */
    public static BaseType fromJson(JsonNode json) throws OvsdbException {
        if (json.isTextual()) {
            return of(atomicType(json, json.asText()));
        }
        MemberParser members = MemberParser.of(json);
        JsonNode typeName = members.required("type", Kind.STRING);
        AtomicType type = atomicType(json, typeName.asText());
        BaseType plain = of(type);
        JsonNode enumJson = members.optional("enum", Kind.ANY);
        BaseType result;
        if (enumJson != null) {
            List<Object> atoms = new ArrayList<>();
            if (enumJson.isArray() && enumJson.size() == 2 && "set".equals(enumJson.path(0).asText(null))
                    && enumJson.get(1).isArray()) {
                for (JsonNode element : enumJson.get(1)) {
                    atoms.add(plain.atomFromJson(element, null));
                }
            } else {
                atoms.add(plain.atomFromJson(enumJson, null));
            }
            Object[] sorted = atoms.toArray();
            Arrays.sort(sorted, AtomicType::compare);
            result = new BaseType(type, sorted, Long.MIN_VALUE, Long.MAX_VALUE, Double.NEGATIVE_INFINITY,
                    Double.POSITIVE_INFINITY, 0, UINT_MAX, null, RefType.STRONG);
        } else {
            result = constrained(json, members, type);
        }
        members.finish();
        return result;
    }

    private static BaseType constrained(JsonNode json, MemberParser members, AtomicType type) throws OvsdbException {
        switch (type) {
            case INTEGER: {
                JsonNode min = members.optional("minInteger", Kind.INTEGER);
                JsonNode max = members.optional("maxInteger", Kind.INTEGER);
                long lo = min == null ? Long.MIN_VALUE : min.asLong();
                long hi = max == null ? Long.MAX_VALUE : max.asLong();
                if (lo > hi) {
                    throw OvsdbException.syntax(json, "minInteger exceeds maxInteger");
                }
                return new BaseType(type, null, lo, hi, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0,
                        UINT_MAX, null, RefType.STRONG);
            }
            case REAL: {
                JsonNode min = members.optional("minReal", Kind.NUMBER);
                JsonNode max = members.optional("maxReal", Kind.NUMBER);
                double lo = min == null ? Double.NEGATIVE_INFINITY : min.asDouble();
                double hi = max == null ? Double.POSITIVE_INFINITY : max.asDouble();
                if (lo > hi) {
                    throw OvsdbException.syntax(json, "minReal exceeds maxReal");
                }
                return new BaseType(type, null, Long.MIN_VALUE, Long.MAX_VALUE, lo, hi, 0, UINT_MAX, null,
                        RefType.STRONG);
            }
            case STRING: {
                JsonNode min = members.optional("minLength", Kind.INTEGER);
                JsonNode max = members.optional("maxLength", Kind.INTEGER);
                long lo = min == null ? 0 : min.asLong();
                long hi = max == null ? UINT_MAX : max.asLong();
                if (lo < 0 || lo > UINT_MAX || hi < 0 || hi > UINT_MAX) {
                    throw OvsdbException.syntax(json, "minLength and maxLength must be between 0 and " + UINT_MAX);
                }
                if (lo > hi) {
                    throw OvsdbException.syntax(json, "minLength exceeds maxLength");
                }
                return new BaseType(type, null, Long.MIN_VALUE, Long.MAX_VALUE, Double.NEGATIVE_INFINITY,
                        Double.POSITIVE_INFINITY, lo, hi, null, RefType.STRONG);
            }
            case UUID: {
                JsonNode table = members.optional("refTable", Kind.ID);
                JsonNode refTypeJson = members.optional("refType", Kind.STRING);
                RefType refType = RefType.STRONG;
                if (refTypeJson != null) {
                    if (table == null) {
                        throw OvsdbException.syntax(json, "refType requires refTable");
                    }
                    String text = refTypeJson.asText();
                    if (!text.equals("strong") && !text.equals("weak")) {
                        throw OvsdbException.syntax(json, "refType must be \"strong\" or \"weak\" (not \"" + text
                                + "\")");
                    }
                    refType = text.equals("weak") ? RefType.WEAK : RefType.STRONG;
                }
                return new BaseType(type, null, Long.MIN_VALUE, Long.MAX_VALUE, Double.NEGATIVE_INFINITY,
                        Double.POSITIVE_INFINITY, 0, UINT_MAX, table == null ? null : table.asText(), refType);
            }
            default:
                return of(type);
        }
    }

    private static AtomicType atomicType(JsonNode json, String name) throws OvsdbException {
        AtomicType type = AtomicType.named(name);
        if (type == null) {
            throw OvsdbException.syntax(json, "Unknown atomic type " + name);
        }
        return type;
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
            case INTEGER:
                if (json.isIntegralNumber() && json.canConvertToLong()) {
                    return json.longValue();
                }
                // OVSDB types numbers by value: 3.0 is the integer 3.
                if (json.isFloatingPointNumber() && json.doubleValue() == Math.rint(json.doubleValue())
                        && Math.abs(json.doubleValue()) < 0x1p63) {
                    return (long) json.doubleValue();
                }
                break;
            case REAL:
                if (json.isNumber()) {
                    return json.doubleValue();
                }
                break;
            case BOOLEAN:
                if (json.isBoolean()) {
                    return json.booleanValue();
                }
                break;
            case STRING:
                if (json.isTextual()) {
                    return json.textValue();
                }
                break;
            default:
                if (json.isArray() && json.size() == 2 && json.get(0).isTextual() && json.get(1).isTextual()) {
                    String kind = json.get(0).textValue();
                    String text = json.get(1).textValue();
                    if (kind.equals("uuid")) {
                        if (!UUID_TEXT.matcher(text).matches()) {
                            throw OvsdbException.syntax(json, "\"" + text + "\" is not a valid UUID");
                        }
                        return UUID.fromString(text);
                    }
                    if (kind.equals("named-uuid")) {
                        if (names == null) {
                            throw OvsdbException.syntax(json, "named-uuid not allowed here");
                        }
                        if (!MemberParser.isId(text)) {
                            throw OvsdbException.syntax(json, "\"" + text + "\" is not a valid <id>");
                        }
                        return names.resolve(text);
                    }
                }
                break;
        }
        throw OvsdbException.syntax(json, "expected " + type.jsonName());
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
                StringBuilder allowed = new StringBuilder();
                for (Object value : enumeration) {
                    allowed.append(allowed.length() == 0 ? "" : ", ").append(display(value));
                }
                throw violation(display(atom) + " is not one of the allowed values ([" + allowed + "])");
            }
            return;
        }
        switch (type) {
            case INTEGER: {
                long value = (Long) atom;
                if (value < minInteger || value > maxInteger) {
                    throw violation(rangeText(Long.toString(value), minInteger != Long.MIN_VALUE,
                            Long.toString(minInteger), maxInteger != Long.MAX_VALUE, Long.toString(maxInteger),
                            value < minInteger));
                }
                break;
            }
            case REAL: {
                double value = (Double) atom;
                if (value < minReal || value > maxReal) {
                    throw violation(rangeText(realText(value), minReal != Double.NEGATIVE_INFINITY,
                            realText(minReal), maxReal != Double.POSITIVE_INFINITY, realText(maxReal),
                            value < minReal));
                }
                break;
            }
            case STRING: {
                String value = (String) atom;
                long length = value.codePointCount(0, value.length());
                if (length < minLength) {
                    throw violation("\"" + value + "\" length " + length + " is less than minimum allowed length "
                            + minLength);
                }
                if (length > maxLength) {
                    throw violation("\"" + value + "\" length " + length
                            + " is greater than maximum allowed length " + maxLength);
                }
                break;
            }
            default:
                break;
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

    private static String realText(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    private static String display(Object atom) {
        return atom instanceof Double real ? realText(real) : atom.toString();
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
