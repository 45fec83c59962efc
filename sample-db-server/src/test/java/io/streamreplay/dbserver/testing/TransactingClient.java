package io.streamreplay.dbserver.testing;

import io.streamreplay.jsonrpc.Json;
import io.streamreplay.stream.TlsConfig;

/**
 * A client process that inserts rows into {@code kvdb} as fast as it can until it is killed: the client that the
 * acceptance test kills abruptly. Prints {@code ready} after its first committed transaction.
 *
 * <p>Usage: {@code TransactingClient REMOTE NAME-PREFIX}.
 */
public final class TransactingClient {

    private TransactingClient() {
    }

    public static void main(String[] args) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect(args[0], TlsConfig.none())) {
            for (long i = 0;; i++) {
                client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\""
                        + args[1] + i + "\",\"value\":" + i + "}}"));
                if (i == 0) {
                    System.out.println("ready");
                    System.out.flush();
                }
            }
        }
    }
}
