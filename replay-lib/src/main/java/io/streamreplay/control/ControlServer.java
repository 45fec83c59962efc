package io.streamreplay.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.streamreplay.fault.StreamFaults;
import io.streamreplay.jsonrpc.JsonRpcServer;
import io.streamreplay.jsonrpc.JsonRpcSession;
import io.streamreplay.jsonrpc.Limits;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.StreamProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A control socket: JSON-RPC on {@code punix:PATH}, where each request's method names a registered command and its
 * params are the command's string arguments. The built-in commands are {@code list-commands}, {@code version} and
 * {@code exit}; {@code exit} only sets {@link #exitRequested()}, and the application ends its loop when it sees it.
 *
 * <p>Replies follow Open vSwitch's {@code unixctl}: a string result on success, a string error otherwise, with its
 * error texts, each ending with a newline unless empty, so that {@code ovs-appctl -t PATH COMMAND} works. A peer that sends anything but requests is
 * disconnected. The socket file is created owner-only.
 *
 * <p>Loop thread only.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    private final JsonRpcServer server;
    /**
     * Control commands and their replies are a few lines of text: a message up to 1 MiB, 4 MiB queued for one
     * client, 16 MiB held for all (what parsing builds included), so that no control client, even one of the
     * socket's owner, can make the server hold much of its heap.
     */
    static final Limits LIMITS = new Limits(1L << 20, 4L << 20, 16L << 20);

    private final PassiveStream listener;
    private final String listenName;
    private final Map<String, ControlCommand> commands = new TreeMap<>();
    private boolean exitRequested;

    /**
     * Listens on {@code punix:PATH} through {@code streams} (so the control traffic is recorded and replayed with
     * everything else) and registers the built-in commands.
     *
     * @param version the text {@code version} replies, such as {@code "my-server (streamreplay) 1.0"}
     * @throws IOException if the socket cannot be created
     */
    public ControlServer(PollLoop loop, StreamProvider streams, Path path, String version) throws IOException {
        this.server = new JsonRpcServer(loop, streams, LIMITS, 0, this::handle);
        this.listenName = "punix:" + path;
        this.listener = server.listen(listenName);
        if (Files.exists(path)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
        register(new ControlCommand("list-commands", "", 0, 0, args -> ControlReply.ok(listCommands())));
        register(new ControlCommand("version", "", 0, 0, args -> ControlReply.ok(version + "\n")));
        register(new ControlCommand("exit", "", 0, 0, args -> {
            exitRequested = true;
            return ControlReply.ok("");
        }));
    }

    /**
     * Registers {@code stream-faults/set SPEC}, {@code stream-faults/list} and {@code stream-faults/clear} over
     * {@code faults} (the process's, from its {@code ReplayContext}), and exempts this socket from them, so that it
     * stays usable to clear them.
     */
    public void serveStreamFaults(StreamFaults faults) {
        faults.exempt(listenName);
        StreamFaultCommands.all(faults).forEach(this::register);
    }

    /** Adds {@code command}; a name may be registered once. */
    public void register(ControlCommand command) {
        if (commands.putIfAbsent(command.name(), command) != null) {
            throw new IllegalArgumentException("control command '" + command.name() + "' is already registered");
        }
    }

    /** The listener's name. */
    public String name() {
        return listener.name();
    }

    /** Whether a client sent {@code exit}. */
    public boolean exitRequested() {
        return exitRequested;
    }

    /** Accepts connections and runs the commands received. */
    public void run() {
        server.run();
    }

    /** Registers what the server waits for. */
    public void waitAll() {
        server.waitAll("control socket");
    }

    private void handle(JsonRpcSession session, Message message) {
        if (message.type() != Message.Type.REQUEST) {
            log.warn("{}: unexpected {} on the control socket, disconnecting", session.name(),
                    message.type().name().toLowerCase(Locale.ROOT));
            session.close();
            return;
        }
        ControlReply reply = execute(message.method(), message.params());
        // As Open vSwitch's unixctl: a text that is not empty ends with a newline, so ovs-appctl prints it whole.
        String text = reply.text().isEmpty() || reply.text().endsWith("\n") ? reply.text() : reply.text() + "\n";
        session.send(reply.ok() ? Message.reply(TextNode.valueOf(text), message.id())
                : Message.error(text, message.id()));
    }

    private ControlReply execute(String method, JsonNode params) {
        ControlCommand command = commands.get(method);
        if (command == null) {
            return ControlReply.error("\"" + method + "\" is not a valid command (use \"list-commands\" to see a"
                    + " list of valid commands)");
        }
        if (params.size() < command.minArgs()) {
            return ControlReply.error("\"" + method + "\" command requires at least " + command.minArgs()
                    + " arguments");
        }
        if (params.size() > command.maxArgs()) {
            return ControlReply.error("\"" + method + "\" command takes at most " + command.maxArgs()
                    + " arguments");
        }
        List<String> args = new ArrayList<>();
        for (JsonNode param : params) {
            if (!param.isTextual()) {
                return ControlReply.error("\"" + method + "\" command has non-string argument");
            }
            args.add(param.asText());
        }
        log.debug("control command {} {}", method, args);
        return command.handler().run(args);
    }

    private String listCommands() {
        StringBuilder text = new StringBuilder("The available commands are:\n");
        for (ControlCommand command : commands.values()) {
            // Always LF, whatever the platform: the text is part of the protocol.
            text.append(String.format("  %-23s %s", command.name(), command.usage()).stripTrailing()).append('\n');
        }
        return text.toString();
    }

    /** Sends what can still be sent to connected clients and closes the socket. */
    @Override
    public void close() {
        server.close();
    }
}
