package io.streamreplay.dbserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.protocol.MemberParser;
import io.streamreplay.dbserver.protocol.MemberParser.Kind;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.jsonrpc.Json;

/**
 * A column's type: a key type, an optional value type (then it is a map), and how many elements it holds
 * ({@code min} 0 or 1, {@code max} at least 1 or unlimited).
 *
 * <p>Immutable.
 */
public final class ColumnType {

    /** {@code max} of an unlimited set or map. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private final BaseType key;
    private final BaseType value;
    private final int min;
    private final long max;

    public ColumnType(BaseType key, BaseType value, int min, long max) {
        this.key = key;
        this.value = value;
        this.min = min;
        this.max = max;
    }

    /** A scalar of {@code type}. */
    public static ColumnType scalar(AtomicType type) {
        return new ColumnType(BaseType.of(type), null, 1, 1);
    }

    /** Parses a schema's {@code <type>}. */
    public static ColumnType fromJson(JsonNode json) throws OvsdbException {
        if (json.isTextual()) {
            return new ColumnType(BaseType.fromJson(json), null, 1, 1);
        }
        MemberParser members = MemberParser.of(json);
        BaseType key = BaseType.fromJson(members.required("key", Kind.ANY));
        JsonNode valueJson = members.optional("value", Kind.ANY);
        BaseType value = valueJson == null ? null : BaseType.fromJson(valueJson);
        JsonNode minJson = members.optional("min", Kind.INTEGER);
        JsonNode maxJson = members.optional("max", Kind.ANY);
        members.finish();
        long min = minJson == null ? 1 : minJson.asLong();
        long max;
        if (maxJson == null) {
            max = 1;
        } else if (maxJson.isTextual() && maxJson.asText().equals("unlimited")) {
            max = UNLIMITED;
        } else if (maxJson.isIntegralNumber()) {
            max = maxJson.asLong();
        } else {
            throw OvsdbException.syntax(json, "bad max value");
        }
        if (min < 0 || min > 1 || max < 1 || min > max) {
            throw OvsdbException.syntax(json, "ovsdb type fails constraint checks");
        }
        return new ColumnType(key, value, (int) min, max);
    }

    public BaseType key() {
        return key;
    }

    /** The value type of a map, or null. */
    public BaseType value() {
        return value;
    }

    public int min() {
        return min;
    }

    /** The maximum number of elements, {@link #UNLIMITED} if none. */
    public long max() {
        return max;
    }

    public boolean isMap() {
        return value != null;
    }

    /** Exactly one atom, no value. */
    public boolean isScalar() {
        return value == null && min == 1 && max == 1;
    }

    /** Zero or one atom, no value. */
    public boolean isOptionalScalar() {
        return value == null && min == 0 && max == 1;
    }

    /** More than one element allowed: changes to it are written as differences. */
    public boolean isComposite() {
        return max > 1;
    }

    /** The same type with another element count. */
    public ColumnType withCounts(int newMin, long newMax) {
        return new ColumnType(key, value, newMin, newMax);
    }

    /** The schema JSON, normalised as Open vSwitch writes it. */
    public JsonNode toJson() {
        if (isScalar() && !key.hasConstraints()) {
            return key.toJson();
        }
        ObjectNode json = Json.NODES.objectNode();
        json.set("key", key.toJson());
        if (value != null) {
            json.set("value", value.toJson());
        }
        if (min != 1) {
            json.put("min", min);
        }
        if (max == UNLIMITED) {
            json.put("max", "unlimited");
        } else if (max != 1) {
            json.put("max", max);
        }
        return json;
    }

    /**
     * How Open vSwitch names the type in errors ({@code ovsdb_type_to_english}): {@code integer},
     * {@code set of up to 1 integers}, {@code set of 1 or more strings}, {@code map of (string, string) pairs}.
     */
    public String describe() {
        if (isScalar()) {
            return key.describe();
        }
        StringBuilder text = new StringBuilder(value == null ? "set" : "map");
        if (max == UNLIMITED) {
            text.append(min > 0 ? " of " + min + " or more" : " of");
        } else if (min > 0) {
            text.append(" of ").append(min).append(" to ").append(max);
        } else {
            text.append(" of up to ").append(max);
        }
        if (value == null) {
            text.append(' ').append(key.describe()).append('s');
        } else {
            text.append(" (").append(key.describe()).append(", ").append(value.describe()).append(") pairs");
        }
        return text.toString();
    }

    /** {@link #max()} as Open vSwitch prints it in errors: an unlimited maximum is {@code UINT_MAX}. */
    public long maxForDisplay() {
        return max == UNLIMITED ? 4294967295L : max;
    }
}
