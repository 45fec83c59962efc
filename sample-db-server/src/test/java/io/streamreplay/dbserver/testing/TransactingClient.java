package io.streamreplay.dbserver.testing;

import io.streamreplay.jsonrpc.Json;
import io.streamreplay.stream.TlsConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A client process that inserts rows into {@code kvdb} as fast as it can until it is killed: the client that the
 * acceptance test kills abruptly. Prints {@code ready} after its first committed transaction.
 *
 * <p>Usage: {@code TransactingClient REMOTE NAME-PREFIX}; a test starts it with {@link #start}.
 */
public final class TransactingClient {

    private TransactingClient() {
    }

    /**
     * Starts the client as its own JVM, on the test's class path, inserting rows named {@code prefix} and a number
     * into {@code remote}; returns once it committed its first transaction.
     *
     * @throws IOException if it does not start, or ends before committing one
     */
    public static Process start(String remote, String prefix) throws IOException {
        Process process = new ProcessBuilder(ServerProcess.java(), "-cp", System.getProperty("java.class.path"),
                TransactingClient.class.getName(), remote, prefix).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            process.destroyForcibly();
            throw new IOException("the transacting client did not start: it printed " + line);
        }
        return process;
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
