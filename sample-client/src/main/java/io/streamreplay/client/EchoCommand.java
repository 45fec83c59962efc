package io.streamreplay.client;

import io.streamreplay.client.format.TableWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code echo [SERVER] [ARG...]}: sends the arguments (as strings) to the server and prints what comes back. */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "Sends an echo request with the ARGs and prints the reply: a quick check that a server answers.")
final class EchoCommand extends ClientCommand {

    @Parameters(paramLabel = "[SERVER] [ARG...]", arity = "0..*")
    List<String> args = new ArrayList<>();

    @Override
    protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
        String server = options.server(args);
        try (OvsdbClient client = runtime.connect(server)) {
            out.json(client.call("echo", args.toArray()));
        }
        return 0;
    }
}
