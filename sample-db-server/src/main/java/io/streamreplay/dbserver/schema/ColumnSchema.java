package io.streamreplay.dbserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.protocol.MemberParser;
import io.streamreplay.dbserver.protocol.MemberParser.Kind;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.jsonrpc.Json;

/**
 * One column of a table: its name, its position in a row ({@link #index()}: 0 is {@code _uuid}, 1 is
 * {@code _version}, then the schema's columns in order), its type, and whether it may be changed and is stored.
 *
 * <p>Immutable.
 */
public final class ColumnSchema {

    /** Position of {@code _uuid} in every row. */
    public static final int UUID_INDEX = 0;
    /** Position of {@code _version} in every row. */
    public static final int VERSION_INDEX = 1;

    private final String name;
    private final int index;
    private final ColumnType type;
    private final boolean mutable;
    private final boolean ephemeral;
    private boolean persistent;

    ColumnSchema(String name, int index, ColumnType type, boolean mutable, boolean ephemeral) {
        this.name = name;
        this.index = index;
        this.type = type;
        this.mutable = mutable;
        this.ephemeral = ephemeral;
        this.persistent = !ephemeral;
    }

    static ColumnSchema fromJson(String name, int index, JsonNode json) throws OvsdbException {
        MemberParser members = MemberParser.of(json);
        ColumnType type = ColumnType.fromJson(members.required("type", Kind.ANY));
        JsonNode ephemeral = members.optional("ephemeral", Kind.BOOLEAN);
        JsonNode mutable = members.optional("mutable", Kind.BOOLEAN);
        members.finish();
        boolean weak = type.key().isWeakRef() || (type.value() != null && type.value().isWeakRef());
        return new ColumnSchema(name, index, type, weak || mutable == null || mutable.asBoolean(),
                ephemeral != null && ephemeral.asBoolean());
    }

    public String name() {
        return name;
    }

    public int index() {
        return index;
    }

    public ColumnType type() {
        return type;
    }

    public boolean isMutable() {
        return mutable;
    }

    /** Whether the column is written to the database file. */
    public boolean isPersistent() {
        return persistent;
    }

    void forcePersistent() {
        persistent = true;
    }

    /** Whether this is {@code _uuid} or {@code _version}. */
    public boolean isImplicit() {
        return index < 2;
    }

    JsonNode toJson() {
        ObjectNode json = Json.NODES.objectNode();
        json.set("type", type.toJson());
        if (ephemeral) {
            json.put("ephemeral", true);
        }
        if (!mutable) {
            json.put("mutable", false);
        }
        return json;
    }
}
