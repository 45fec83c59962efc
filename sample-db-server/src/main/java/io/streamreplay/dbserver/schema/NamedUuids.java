package io.streamreplay.dbserver.schema;

import java.util.UUID;

/** Resolves {@code ["named-uuid", NAME]} inside a transaction to the UUID that name stands for. */
@FunctionalInterface
public interface NamedUuids {

    /** The UUID {@code name} stands for, created on first mention. */
    UUID resolve(String name);
}
