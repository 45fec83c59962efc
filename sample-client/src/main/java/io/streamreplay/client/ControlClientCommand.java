package io.streamreplay.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.streamreplay.client.format.TableWriter;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code control [--target=PATH] COMMAND [ARG...]}: one command on a program's control socket, as
 * {@code ovs-appctl} sends it. The reply goes to standard output; an error reply to standard error, with exit
 * status 2.
 */
@Command(name = "control", mixinStandardHelpOptions = true,
        description = {"Sends COMMAND with its ARGs to a running program's control socket and prints the reply.",
                "Try 'control list-commands'. An error reply is printed on standard error, with exit status 2."})
final class ControlClientCommand extends ClientCommand {

    /** The control socket used when none is given: sample-db-server's default. */
    static final String DEFAULT_TARGET = "sample-db-server.ctl";

    @Option(names = {"-t", "--target"}, paramLabel = "PATH", defaultValue = DEFAULT_TARGET,
            description = "The control socket (default: ${DEFAULT-VALUE}).")
    String target;

    @Parameters(index = "0", paramLabel = "COMMAND")
    String command;

    @Parameters(index = "1..*", paramLabel = "ARG")
    List<String> arguments = new ArrayList<>();

    @Override
    protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
        try (OvsdbClient client = runtime.connect("unix:" + target)) {
            ArrayNode params = Json.array();
            arguments.forEach(params::add);
            Message reply = client.request(command, params);
            if (reply.type() == Message.Type.ERROR) {
                String text = reply.error().isTextual() ? reply.error().textValue() : Json.toText(reply.error());
                spec.commandLine().getErr().print(text.endsWith("\n") ? text : text + "\n");
                spec.commandLine().getErr().flush();
                return 2;
            }
            String text = reply.result().isTextual() ? reply.result().textValue() : Json.toText(reply.result());
            if (!text.isEmpty()) {
                out.line(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
            }
        }
        return 0;
    }
}
