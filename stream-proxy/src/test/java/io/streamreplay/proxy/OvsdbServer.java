package io.streamreplay.proxy;

import io.streamreplay.testing.Programs;
import io.streamreplay.testing.TestCertificates.PemFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Open vSwitch's own {@code ovsdb-server}, as a child process serving the files given, on a Unix socket, a TCP port
 * and a TLS port of loopback.
 */
final class OvsdbServer implements AutoCloseable {

    final Path socket;
    final int tcpPort;
    final int sslPort;
    private final Process process;

    private OvsdbServer(Process process, Path socket, int tcpPort, int sslPort) {
        this.process = process;
        this.socket = socket;
        this.tcpPort = tcpPort;
        this.sslPort = sslPort;
    }

    /** Starts it in {@code dir} on {@code socket}, and on the ports given (0: free ones are chosen). */
    static OvsdbServer start(Path dir, PemFiles tls, Path socket, int tcpPort, int sslPort, List<String> files)
            throws Exception {
        int tcp = tcpPort != 0 ? tcpPort : freePort();
        int ssl = sslPort != 0 ? sslPort : freePort();
        List<String> command = new ArrayList<>(List.of("ovsdb-server"));
        files.forEach(file -> command.add(dir.resolve(file).toString()));
        command.addAll(List.of("--remote=punix:" + socket, "--remote=ptcp:" + tcp + ":127.0.0.1",
                "--remote=pssl:" + ssl + ":127.0.0.1", "--private-key=" + tls.key(),
                "--certificate=" + tls.certificate(), "--ca-cert=" + tls.ca(),
                "--unixctl=" + dir.resolve("ovsdb-server.ctl"), "--no-chdir",
                "--log-file=" + dir.resolve("ovsdb-server.log")));
        Process process = Programs.start(command, dir.resolve("ovsdb-server.out"));
        OvsdbServer server = new OvsdbServer(process, socket, tcp, ssl);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!server.accepts()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("ovsdb-server did not start: "
                        + Files.readString(dir.resolve("ovsdb-server.out")));
            }
            Thread.sleep(50);
        }
        return server;
    }

    private boolean accepts() throws Exception {
        if (!Files.exists(socket)) {
            return false;
        }
        try (java.net.Socket probe = new java.net.Socket(InetAddress.getLoopbackAddress(), tcpPort);
                java.net.Socket tls = new java.net.Socket(InetAddress.getLoopbackAddress(), sslPort)) {
            return probe.isConnected() && tls.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** A loopback port nobody listens on (it was free a moment ago). */
    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Stops it and waits until it is gone. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
