package io.streamreplay.dbserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.storage.DatabaseFile;

/**
 * A database the server serves.
 *
 * @param db its contents
 * @param file where its transactions are stored; null for {@code _Server}, which lives in memory only
 * @param readOnly whether clients are refused writes ({@code _Server})
 * @param schemaJson its schema as {@code get_schema} sends it
 */
record ServedDatabase(Database db, DatabaseFile file, boolean readOnly, JsonNode schemaJson) {
}
