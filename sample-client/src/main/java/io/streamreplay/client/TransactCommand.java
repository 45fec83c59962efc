package io.streamreplay.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.streamreplay.client.format.TableWriter;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code transact [SERVER] TXN} and {@code query [SERVER] TXN}: runs a transaction and prints its results as JSON;
 * {@code query} appends an {@code abort} so nothing is committed. Exit status 1 if an operation failed.
 */
final class TransactCommand {

    private TransactCommand() {
    }

    /** The {@code transact} command. */
    @Command(name = "transact", mixinStandardHelpOptions = true,
            description = {"Runs TXN, a JSON array [\"DB\", OPERATION...], and prints the results as JSON.",
                    "Exit status 1 if an operation or the commit failed."})
    static final class Transact extends ClientCommand {
        @Parameters(paramLabel = "[SERVER] TXN", arity = "1..2", description = "The server and the transaction.")
        List<String> args = new ArrayList<>();

        @Override
        protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
            return execute(runtime, out, options, args, false, this);
        }
    }

    /** The {@code query} command. */
    @Command(name = "query", mixinStandardHelpOptions = true,
            description = {"Like transact, with an abort appended: TXN's reads run, nothing is committed."})
    static final class Query extends ClientCommand {
        @Parameters(paramLabel = "[SERVER] TXN", arity = "1..2", description = "The server and the transaction.")
        List<String> args = new ArrayList<>();

        @Override
        protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
            return execute(runtime, out, options, args, true, this);
        }
    }

    private static int execute(ClientRuntime runtime, TableWriter out, ClientOptions options, List<String> args,
            boolean query, ClientCommand command) throws ClientException {
        String server = options.server(args);
        if (args.size() != 1) {
            throw new ClientException(ClientException.BAD_INPUT, "one TXN argument is expected");
        }
        ArrayNode txn = JsonArgument.transaction(args.get(0));
        if (query) {
            txn.add(Json.NODES.objectNode().put("op", "abort"));
        }
        try (OvsdbClient client = runtime.connect(server)) {
            command.changeAware(client, false);
            Message reply = client.request("transact", txn);
            if (reply.type() == Message.Type.ERROR) {
                throw new ClientException(ClientException.FAILED, client.name() + ": transaction failed: "
                        + ErrorText.of(reply.error()));
            }
            ArrayNode results = (ArrayNode) reply.result();
            if (query && results.size() > 0 && "aborted".equals(results.get(results.size() - 1).path("error")
                    .asText())) {
                results.remove(results.size() - 1);
            }
            out.json(results);
            for (JsonNode result : results) {
                if (result.has("error")) {
                    return ClientException.FAILED;
                }
            }
        }
        return 0;
    }
}
