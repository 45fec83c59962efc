package io.streamreplay.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server for an application's status: {@code GET /metrics} (the source's metrics, for Prometheus),
 * {@code GET /stats} (JSON) and {@code GET /health} ({@code 200 ok}, or {@code 503} with the reason). Anything else
 * is a 404; a method other than GET or HEAD is a 405.
 *
 * <p>It is outside record and replay on purpose: it answers from a thread of its own, reads only what
 * {@link StatusSource} publishes, and never touches the application's poll loop, so scrapes neither appear in a
 * recording nor change what the application does. A replay opens no socket, so applications do not start it when
 * replaying.
 *
 * <p>Threading: requests are served one at a time on a single thread of the endpoint's own. {@link #close()} from
 * any thread.
 */
public final class StatusEndpoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusEndpoint.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final StatusSource source;

    private StatusEndpoint(HttpServer server, ExecutorService executor, StatusSource source) {
        this.server = server;
        this.executor = executor;
        this.source = source;
    }

    /**
     * Parses {@code [IP:]PORT} ({@code 9100}, {@code 127.0.0.1:9100}, {@code [::1]:9100}, {@code 0.0.0.0:9100});
     * without an IP it binds the loopback address only, so that nothing is exposed unless asked for. Port 0 binds
     * an ephemeral port ({@link #address()} reports it).
     *
     * @throws IllegalArgumentException with a message naming the value if it is malformed
     */
    public static InetSocketAddress parseAddress(String value) {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? null : value.substring(0, colon);
        String port = value.substring(colon + 1);
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not [IP:]PORT: '" + port + "' is not a port number",
                    e);
        }
        if (number < 0 || number > 65535) {
            throw new IllegalArgumentException("'" + value + "' is not [IP:]PORT: port " + number + " is out of range");
        }
        if (host == null || host.isEmpty()) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), number);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), number);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + value + "' is not [IP:]PORT: unknown host '" + host + "'", e);
        }
    }

    /**
     * Starts serving {@code source} on {@code address}.
     *
     * @throws IOException naming the address if it cannot be bound
     */
    public static StatusEndpoint start(InetSocketAddress address, StatusSource source) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new IOException("http: cannot listen on " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "status-http");
            thread.setDaemon(true);
            return thread;
        });
        StatusEndpoint endpoint = new StatusEndpoint(server, executor, source);
        server.setExecutor(executor);
        server.createContext("/", endpoint::handle);
        server.start();
        return endpoint;
    }

    /** The address bound, with the real port when 0 was asked for. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                respond(exchange, 405, "text/plain; charset=utf-8", text("only GET and HEAD\n"));
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> {
                    ByteArrayOutputStream metrics = new ByteArrayOutputStream();
                    source.writeMetrics(metrics);
                    respond(exchange, 200, source.metricsContentType(), metrics.toByteArray());
                }
                case "/stats" -> respond(exchange, 200, "application/json", text(source.statsJson() + "\n"));
                case "/health" -> {
                    if (source.healthy()) {
                        respond(exchange, 200, "text/plain; charset=utf-8", text("ok\n"));
                    } else {
                        respond(exchange, 503, "text/plain; charset=utf-8", text(source.unhealthyReason() + "\n"));
                    }
                }
                default -> respond(exchange, 404, "text/plain; charset=utf-8", text("not found; try /metrics, /stats or"
                        + " /health\n"));
            }
        } catch (IOException | RuntimeException e) {
            // One failed request must not stop the endpoint; the peer sees its connection end.
            log.warn("http: {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        }
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops serving at once and releases the port. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
