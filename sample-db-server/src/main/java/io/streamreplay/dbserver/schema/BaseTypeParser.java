package io.streamreplay.dbserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.protocol.MemberParser;
import io.streamreplay.dbserver.protocol.MemberParser.Kind;
import io.streamreplay.dbserver.protocol.OvsdbException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a schema's {@code <base-type>} (RFC 7047 §3.2): a bare atomic type name, or an object with the type and
 * its constraints (an enumeration, an integer or real range, a string length range, a reference to a table). A bad
 * one is an {@link OvsdbException} with Open vSwitch's syntax error text.
 *
 * <p>Stateless.
 */
final class BaseTypeParser {

    private BaseTypeParser() {
    }

    /** Parses a schema's {@code <base-type>}. */
    static BaseType parse(JsonNode json) throws OvsdbException {
        if (json.isTextual()) {
            return BaseType.of(atomicType(json, json.asText()));
        }
        MemberParser members = MemberParser.of(json);
        JsonNode typeName = members.required("type", Kind.STRING);
        AtomicType type = atomicType(json, typeName.asText());
        BaseType plain = BaseType.of(type);
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
                    Double.POSITIVE_INFINITY, 0, BaseType.UINT_MAX, null, RefType.STRONG);
        } else {
            result = constrained(json, members, type);
        }
        members.finish();
        return result;
    }

    private static BaseType constrained(JsonNode json, MemberParser members, AtomicType type) throws OvsdbException {
        return switch (type) {
            case INTEGER -> {
                JsonNode min = members.optional("minInteger", Kind.INTEGER);
                JsonNode max = members.optional("maxInteger", Kind.INTEGER);
                long lo = min == null ? Long.MIN_VALUE : min.asLong();
                long hi = max == null ? Long.MAX_VALUE : max.asLong();
                if (lo > hi) {
                    throw OvsdbException.syntax(json, "minInteger exceeds maxInteger");
                }
                yield new BaseType(type, null, lo, hi, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0,
                        BaseType.UINT_MAX, null, RefType.STRONG);
            }
            case REAL -> {
                JsonNode min = members.optional("minReal", Kind.NUMBER);
                JsonNode max = members.optional("maxReal", Kind.NUMBER);
                double lo = min == null ? Double.NEGATIVE_INFINITY : min.asDouble();
                double hi = max == null ? Double.POSITIVE_INFINITY : max.asDouble();
                if (lo > hi) {
                    throw OvsdbException.syntax(json, "minReal exceeds maxReal");
                }
                yield new BaseType(type, null, Long.MIN_VALUE, Long.MAX_VALUE, lo, hi, 0, BaseType.UINT_MAX, null,
                        RefType.STRONG);
            }
            case STRING -> {
                JsonNode min = members.optional("minLength", Kind.INTEGER);
                JsonNode max = members.optional("maxLength", Kind.INTEGER);
                long lo = min == null ? 0 : min.asLong();
                long hi = max == null ? BaseType.UINT_MAX : max.asLong();
                if (lo < 0 || lo > BaseType.UINT_MAX || hi < 0 || hi > BaseType.UINT_MAX) {
                    throw OvsdbException.syntax(json,
                            "minLength and maxLength must be between 0 and " + BaseType.UINT_MAX);
                }
                if (lo > hi) {
                    throw OvsdbException.syntax(json, "minLength exceeds maxLength");
                }
                yield new BaseType(type, null, Long.MIN_VALUE, Long.MAX_VALUE, Double.NEGATIVE_INFINITY,
                        Double.POSITIVE_INFINITY, lo, hi, null, RefType.STRONG);
            }
            case UUID -> {
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
                yield new BaseType(type, null, Long.MIN_VALUE, Long.MAX_VALUE, Double.NEGATIVE_INFINITY,
                        Double.POSITIVE_INFINITY, 0, BaseType.UINT_MAX, table == null ? null : table.asText(), refType);
            }
            default -> BaseType.of(type);
        };
    }

    private static AtomicType atomicType(JsonNode json, String name) throws OvsdbException {
        AtomicType type = AtomicType.named(name);
        if (type == null) {
            throw OvsdbException.syntax(json, "Unknown atomic type " + name);
        }
        return type;
    }
}
