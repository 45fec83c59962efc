package io.streamreplay.client;

import io.streamreplay.client.format.TableWriter;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.replay.RecordingExhaustedException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code lock}, {@code steal} and {@code unlock}: lock and steal print whether the lock is held, then hold the
 * connection (and the lock) until Ctrl-C, printing {@code locked} and {@code stolen} as the server sends them.
 */
final class LockCommand {

    private LockCommand() {
    }

    /** {@code lock [SERVER] LOCK}. */
    @Command(name = "lock", mixinStandardHelpOptions = true,
            description = "Asks for LOCK and holds the connection until interrupted, printing lock changes.")
    static final class Lock extends ClientCommand {
        @Parameters(paramLabel = "[SERVER] LOCK", arity = "1..2")
        List<String> args = new ArrayList<>();

        @Override
        protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
            return hold(this, runtime, out, args, "lock");
        }
    }

    /** {@code steal [SERVER] LOCK}. */
    @Command(name = "steal", mixinStandardHelpOptions = true,
            description = "Takes LOCK from its owner and holds the connection until interrupted.")
    static final class Steal extends ClientCommand {
        @Parameters(paramLabel = "[SERVER] LOCK", arity = "1..2")
        List<String> args = new ArrayList<>();

        @Override
        protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
            return hold(this, runtime, out, args, "steal");
        }
    }

    /** {@code unlock [SERVER] LOCK}. */
    @Command(name = "unlock", mixinStandardHelpOptions = true,
            description = "Sends unlock for LOCK (which fails unless this connection asked for it).")
    static final class Unlock extends ClientCommand {
        @Parameters(paramLabel = "[SERVER] LOCK", arity = "1..2")
        List<String> args = new ArrayList<>();

        @Override
        protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
            String server = options.server(args);
            try (OvsdbClient client = runtime.connect(server)) {
                out.json(client.call("unlock", lockName(args)));
            }
            return 0;
        }
    }

    private static String lockName(List<String> args) throws ClientException {
        if (args.size() != 1) {
            throw new ClientException(ClientException.BAD_INPUT, "one LOCK argument is expected");
        }
        return args.get(0);
    }

    private static int hold(ClientCommand command, ClientRuntime runtime, TableWriter out, List<String> args,
            String method) throws ClientException {
        String server = command.options.server(args);
        String lock = lockName(args);
        try (OvsdbClient client = runtime.connect(server)) {
            boolean locked = client.call(method, lock).path("locked").asBoolean();
            out.line(locked ? "locked " + lock : "waiting for " + lock);
            while (true) {
                Message notification;
                try {
                    notification = client.nextNotification();
                } catch (RecordingExhaustedException e) {
                    return 0;
                }
                if (notification == null) {
                    return 0;
                }
                if (notification.method().equals("locked") || notification.method().equals("stolen")) {
                    out.line(notification.method() + " " + notification.params().path(0).asText());
                }
            }
        }
    }
}
