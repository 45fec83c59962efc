package io.streamreplay.dbserver.data;

import java.util.UUID;

/** Where new row UUIDs and {@code _version}s come from; the server's is replayed with the rest of the process. */
@FunctionalInterface
public interface UuidSource {

    /** A new random UUID. */
    UUID next();
}
