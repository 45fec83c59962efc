package io.streamreplay.dbserver.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.stream.TlsConfig;
import java.util.Map;
import java.util.TreeMap;

/**
 * A table's rows as text that two servers holding the same data print alike, whichever made them: rows sorted by
 * UUID, columns by name, {@code _version} left out (each server makes its own, a backup too).
 */
public final class TableContents {

    private TableContents() {
    }

    /** The rows of {@code table} of database {@code db} on {@code remote} ({@code unix:PATH}, {@code tcp:...}). */
    public static String of(String remote, String db, String table) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect(remote, TlsConfig.none())) {
            JsonNode rows = client.call("transact", db, Json.parse("{\"op\":\"select\",\"table\":\"" + table
                    + "\",\"where\":[]}")).get(0).get("rows");
            Map<String, String> sorted = new TreeMap<>();
            for (JsonNode row : rows) {
                Map<String, String> columns = new TreeMap<>();
                row.fields().forEachRemaining(column -> columns.put(column.getKey(), Json.toText(column.getValue())));
                columns.remove("_version");
                sorted.put(row.get("_uuid").get(1).textValue(), columns.toString());
            }
            return sorted.toString();
        }
    }
}
