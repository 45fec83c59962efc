package io.streamreplay.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.testing.LoopDriver;
import io.streamreplay.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@link Stream} and {@link PassiveStream} contract, checked over every transport with real sockets. */
class TransportContractTest {

    @TempDir
    Path tmp;

    private PollLoop loop;
    private StreamProvider serverSide;
    private StreamProvider clientSide;

    @BeforeEach
    void setUp() throws IOException {
        loop = PollLoop.live();
        serverSide = TransportRegistry.standard(TestCertificates.get().server());
        clientSide = TransportRegistry.standard(TestCertificates.get().clientPem());
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    /** A connected pair: the client's stream and the stream its listener accepted. */
    private final class Pair {
        final PassiveStream listener;
        final Stream client;
        Stream accepted;

        Pair(String transport) throws IOException {
            listener = serverSide.listen(listenName(transport));
            client = clientSide.open(connectName(transport, listener));
            boolean[] done = {false};
            LoopDriver.runUntil(loop, () -> done[0], () -> {
                if (accepted == null) {
                    accepted = uncheckedAccept(listener);
                }
                // Both ends must be driven: a TLS handshake needs each side to answer the other.
                boolean clientUp = connected(client);
                done[0] = accepted != null && connected(accepted) && clientUp;
                client.waitConnect(loop, "client");
                listener.waitAccept(loop, "listener");
                if (accepted != null) {
                    accepted.waitConnect(loop, "accepted");
                }
            }, 10_000);
        }
    }

    private String listenName(String transport) {
        return transport.equals("unix") ? "punix:" + tmp.resolve("test.sock") : "p" + transport + ":0:127.0.0.1";
    }

    private static String connectName(String transport, PassiveStream listener) {
        if (transport.equals("unix")) {
            return "unix:" + listener.name().substring("punix:".length());
        }
        String port = listener.name().split(":")[1];
        return transport + ":127.0.0.1:" + port;
    }

    private static boolean connected(Stream stream) {
        if (stream == null) {
            return false;
        }
        try {
            return stream.connect();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Stream uncheckedAccept(PassiveStream listener) {
        try {
            return listener.accept();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "unix", "ssl"})
    void transfersAMegabyteIntactInBothDirectionsAndReportsEof(String transport) throws IOException {
        Pair pair = new Pair(transport);
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);

        assertArrayEquals(data, transfer(pair.client, pair.accepted, data));
        assertArrayEquals(new byte[] {1, 2, 3}, transfer(pair.accepted, pair.client, new byte[] {1, 2, 3}));

        pair.client.close();
        ByteBuffer sink = ByteBuffer.allocate(16);
        int[] last = {0};
        LoopDriver.runUntil(loop, () -> last[0] < 0, () -> {
            try {
                last[0] = pair.accepted.recv(sink.clear());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            pair.accepted.waitRecv(loop, "eof");
        }, 10_000);
        assertEquals(-1, pair.accepted.recv(sink.clear()), "EOF stays EOF");
        pair.accepted.close();
        pair.listener.close();
    }

    private byte[] transfer(Stream from, Stream to, byte[] data) {
        ByteBuffer out = ByteBuffer.wrap(data);
        ByteBuffer in = ByteBuffer.allocate(8192);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        LoopDriver.runUntil(loop, () -> received.size() == data.length, () -> {
            try {
                if (out.hasRemaining()) {
                    from.send(out);
                }
                int n = to.recv(in.clear());
                assertTrue(n >= 0, "no EOF in the middle of a transfer");
                received.write(in.array(), 0, n);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            if (out.hasRemaining()) {
                from.waitSend(loop, "send");
            }
            to.waitRecv(loop, "recv");
        }, 20_000);
        return received.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ssl"})
    void portZeroListenerReportsTheBoundPortAndPeersAreNamed(String transport) throws IOException {
        Pair pair = new Pair(transport);
        String[] parts = pair.listener.name().split(":");
        assertEquals("p" + transport, parts[0]);
        assertNotEquals("0", parts[1]);
        assertEquals("127.0.0.1", parts[2]);
        assertEquals("127.0.0.1:" + parts[1], pair.client.peer());
        assertTrue(pair.accepted.name().startsWith(transport + ":127.0.0.1:"), pair.accepted.name());
        assertTrue(pair.client.needsProbes());
    }

    @Test
    void unixListenerNamesAcceptedStreamsAndRemovesItsSocketOnClose() throws IOException {
        Pair pair = new Pair("unix");
        Path socket = tmp.resolve("test.sock");
        assertEquals("unix:" + socket + "#1", pair.accepted.name());
        assertFalse(pair.client.needsProbes(), "local sockets need no probes");
        assertTrue(Files.exists(socket));
        pair.listener.close();
        assertFalse(Files.exists(socket), "socket file removed on close");
    }

    @Test
    void unixListenerReplacesAStaleSocketFileButNotALiveOne() throws IOException {
        Path socket = tmp.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "a closed listener leaves its file behind");
        PassiveStream listener = serverSide.listen("punix:" + socket);
        IOException taken = assertThrows(IOException.class, () -> serverSide.listen("punix:" + socket));
        assertTrue(taken.getMessage().contains("already listening"), taken.getMessage());
        listener.close();
    }

    @Test
    void unixListenerRefusesToReplaceAFileOrALinkThatIsNotASocket() throws IOException {
        Path file = Files.writeString(tmp.resolve("precious.db"), "data");
        IOException refused = assertThrows(IOException.class, () -> serverSide.listen("punix:" + file));
        assertEquals("punix:" + file + ": cannot listen: " + file + " exists and is not a socket; refusing to"
                + " replace it", refused.getMessage());
        assertEquals("data", Files.readString(file));
        Path link = Files.createSymbolicLink(tmp.resolve("link.sock"), file);
        assertThrows(IOException.class, () -> serverSide.listen("punix:" + link));
        assertTrue(Files.isSymbolicLink(link) && Files.readString(file).equals("data"));
    }

    @Test
    void connectionRefusedIsAnErrorNamingTheStream() throws IOException {
        int port;
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            port = ((java.net.InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        String name = "tcp:127.0.0.1:" + port;
        IOException error = assertThrows(IOException.class, () -> clientSide.openBlocking(loop, name, 10_000));
        assertTrue(error.getMessage().startsWith(name + ": connection failed"), error.getMessage());
    }

    @Test
    void missingUnixSocketSaysSo() {
        String name = "unix:" + tmp.resolve("nobody.sock");
        IOException error = assertThrows(IOException.class, () -> clientSide.open(name));
        assertEquals(name + ": connection failed: no such socket file", error.getMessage());
    }

    @Test
    void unknownPrefixesAndMalformedNamesAreClearErrors() {
        assertEquals("bogus:x: unknown stream type 'bogus' (known: tcp, unix, ssl)",
                assertThrows(InvalidStreamNameException.class, () -> clientSide.open("bogus:x")).getMessage());
        assertEquals("pbogus:1: unknown passive stream type 'pbogus' (known: ptcp, punix, pssl)",
                assertThrows(InvalidStreamNameException.class, () -> serverSide.listen("pbogus:1")).getMessage());
        assertEquals("tcp:127.0.0.1:99999: '99999' is not a port number (0 to 65535)",
                assertThrows(InvalidStreamNameException.class, () -> clientSide.open("tcp:127.0.0.1:99999"))
                        .getMessage());
        assertEquals("nocolon: a stream name has the form TYPE:ADDRESS",
                assertThrows(InvalidStreamNameException.class, () -> clientSide.open("nocolon")).getMessage());
    }

    @Test
    void listeningOnATakenPortFails() throws IOException {
        PassiveStream first = serverSide.listen("ptcp:0:127.0.0.1");
        String port = first.name().split(":")[1];
        IOException error = assertThrows(IOException.class, () -> serverSide.listen("ptcp:" + port + ":127.0.0.1"));
        assertTrue(error.getMessage().startsWith("ptcp:" + port + ":127.0.0.1: cannot listen"), error.getMessage());
        first.close();
    }

    @Test
    void tlsClientRejectsAServerItsCaDidNotSign() throws IOException {
        PassiveStream listener = serverSide.listen("pssl:0:127.0.0.1");
        StreamProvider stranger = TransportRegistry.standard(TestCertificates.get().stranger());
        String name = connectName("ssl", listener);
        Stream client = stranger.open(name);
        Stream[] accepted = {null};
        IOException[] failure = {null};
        LoopDriver.runUntil(loop, () -> failure[0] != null, () -> {
            try {
                if (accepted[0] == null) {
                    accepted[0] = listener.accept();
                }
                if (accepted[0] != null) {
                    accepted[0].connect();
                    accepted[0].waitConnect(loop, "server");
                }
            } catch (IOException e) {
                // The server side fails too once the client aborts; the client's reason is what is checked.
            }
            try {
                client.connect();
            } catch (IOException e) {
                failure[0] = e;
            }
            client.waitConnect(loop, "client");
            listener.waitAccept(loop, "listener");
        }, 10_000);
        assertTrue(failure[0].getMessage().startsWith(name + ": TLS handshake failed"), failure[0].getMessage());
        IOException again = assertThrows(IOException.class, client::connect);
        assertEquals(failure[0], again, "a failure is sticky");
        listener.close();
    }

    @Test
    void aTlsServerRefusesClientsWithoutATrustedCurrentCertificateAndClientsRefuseAnExpiredServer()
            throws IOException {
        TestCertificates certs = TestCertificates.get();
        String ca = "the CA in " + certs.pemFiles("server").ca() + " ('CN=ca')";
        IOException[] intruder = handshake(certs.intruder(), certs.server());
        assertTrue(intruder[1] instanceof SSLHandshakeException, String.valueOf(intruder[1]));
        assertTrue(intruder[1].getMessage().matches("ssl:127\\.0\\.0\\.1:\\d+: TLS handshake failed: the client"
                + " sent no certificate signed by " + Pattern.quote(ca) + ", which this listener requires \\(it has"
                + " none, or one from another CA\\)"), "a client with a certificate from another CA is refused by the"
                        + " server, in plain words: " + intruder[1].getMessage());
        IOException stranger = handshake(certs.clientPem(), certs.stranger())[0];
        assertTrue(stranger.getMessage().endsWith("TLS handshake failed: the server's certificate 'CN=stranger' is"
                + " issued by 'CN=otherca', which is not " + ca), "a server certificate from another CA is refused"
                        + " by the client: " + stranger.getMessage());
        IOException expired = handshake(certs.expired(), certs.server())[1];
        assertTrue(expired.getMessage().matches(".*: TLS handshake failed: the client's certificate 'CN=expired'"
                + " expired on 20\\d\\d-.*"), "an expired client certificate is refused by the server: "
                        + expired.getMessage());
        IOException expiredServer = handshake(certs.clientPem(), certs.expired())[0];
        assertTrue(expiredServer.getMessage().matches(".*: TLS handshake failed: the server's certificate"
                + " 'CN=expired' expired on 20\\d\\d-.*"), "an expired server certificate is refused by the client: "
                        + expiredServer.getMessage());
        IOException[] good = handshake(certs.clientPem(), certs.server());
        assertEquals(null, good[0], "the client with a current certificate from the CA gets through");
        assertEquals(null, good[1]);
    }

    /**
     * Connects a TLS client with {@code clientTls} to a listener with {@code serverTls} and runs both until each side
     * has connected or failed; returns the client's and the server's failures (null for success).
     */
    private IOException[] handshake(TlsConfig clientTls, TlsConfig serverTls) throws IOException {
        PassiveStream listener = TransportRegistry.standard(serverTls).listen("pssl:0:127.0.0.1");
        Stream client = TransportRegistry.standard(clientTls).open(connectName("ssl", listener));
        Stream[] accepted = {null};
        IOException[] failures = {null, null};
        boolean[] done = {false, false};
        LoopDriver.runUntil(loop, () -> done[0] && done[1], () -> {
            try {
                if (!done[1] && accepted[0] == null) {
                    accepted[0] = listener.accept();
                }
                if (!done[1] && accepted[0] != null && accepted[0].connect()) {
                    done[1] = true;
                } else if (accepted[0] != null) {
                    accepted[0].waitConnect(loop, "server");
                }
            } catch (IOException e) {
                failures[1] = e;
                done[1] = true;
            }
            try {
                if (!done[0] && client.connect()) {
                    done[0] = true;
                }
            } catch (IOException e) {
                failures[0] = e;
                done[0] = true;
                client.close(); // as an application would: the server then sees the connection end
            }
            if (!done[0]) {
                client.waitConnect(loop, "client");
            } else if (failures[0] == null && !done[1]) {
                // With TLS 1.3 the client is through before the server has checked its certificate: keep reading,
                // which sends the client's last handshake bytes; the server's verdict arrives as an alert.
                try {
                    client.recv(ByteBuffer.allocate(1024));
                    client.waitRecv(loop, "client");
                } catch (IOException e) {
                    // The server refused the client after the client's side of the handshake completed.
                }
            }
            if (!done[1] && accepted[0] == null) {
                listener.waitAccept(loop, "listener");
            }
        }, 10_000);
        client.close();
        if (accepted[0] != null) {
            accepted[0].close();
        }
        listener.close();
        return failures;
    }

    @Test
    void plaintextClientOnATlsPortFailsTheHandshake() throws IOException {
        PassiveStream listener = serverSide.listen("pssl:0:127.0.0.1");
        Stream client = clientSide.openBlocking(loop, "tcp:127.0.0.1:" + listener.name().split(":")[1], 10_000);
        client.send(ByteBuffer.wrap("{\"id\":0,\"method\":\"echo\",\"params\":[]}\n".getBytes(StandardCharsets.UTF_8)));
        Stream[] accepted = {null};
        IOException[] failure = {null};
        LoopDriver.runUntil(loop, () -> failure[0] != null, () -> {
            try {
                if (accepted[0] == null) {
                    accepted[0] = listener.accept();
                }
                if (accepted[0] != null) {
                    accepted[0].connect();
                    accepted[0].waitConnect(loop, "server");
                }
            } catch (IOException e) {
                failure[0] = e;
            }
            listener.waitAccept(loop, "listener");
        }, 10_000);
        assertTrue(failure[0].getMessage().endsWith("TLS handshake failed: the client does not speak TLS (plaintext"
                + " on a TLS port, or tcp: where ssl: was meant)"), failure[0].getMessage());
        listener.close();
        client.close();
    }

    @Test
    void aTlsHandshakeThatStallsFailsAfterTheTimeoutWhetherThePeerSentNothingOrPartOfAHello() throws IOException {
        TlsConfig impatient = TestCertificates.get().server().withHandshakeTimeout(300);
        PassiveStream listener = TransportRegistry.standard(impatient).listen("pssl:0:127.0.0.1");
        String port = listener.name().split(":")[1];
        Stream silent = clientSide.openBlocking(loop, "tcp:127.0.0.1:" + port, 10_000);
        Stream halfHello = clientSide.openBlocking(loop, "tcp:127.0.0.1:" + port, 10_000);
        halfHello.send(ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc}));
        List<Stream> accepted = new ArrayList<>();
        List<IOException> failures = new ArrayList<>();
        long start = System.nanoTime();
        LoopDriver.runUntil(loop, () -> failures.size() == 2, () -> {
            try {
                Stream stream = listener.accept();
                if (stream != null) {
                    accepted.add(stream);
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            for (Stream stream : accepted) {
                try {
                    assertFalse(stream.connect(), "no handshake can complete");
                    stream.waitConnect(loop, "stalled");
                } catch (IOException e) {
                    if (!failures.contains(e)) {
                        failures.add(e);
                    }
                }
            }
            listener.waitAccept(loop, "listener");
        }, 10_000);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 250, "not before the timeout: " + millis + " ms");
        List<String> reasons = failures.stream().map(e -> e.getMessage().replaceAll("^ssl:[^ ]+ ", "")).sorted()
                .toList();
        assertEquals(List.of("TLS handshake failed: no TLS handshake within 0.3 s (the peer sent nothing)",
                "TLS handshake failed: no TLS handshake within 0.3 s (the peer sent part of one)"), reasons);
        assertTrue(failures.stream().allMatch(e -> e instanceof SSLHandshakeException));
        silent.close();
        halfHello.close();
        accepted.forEach(Stream::close);
        listener.close();
    }

    @Test
    void tlsWithoutKeyMaterialSaysWhatIsMissing() {
        StreamProvider bare = TransportRegistry.standard(TlsConfig.none());
        IOException error = assertThrows(IOException.class, () -> bare.open("ssl:127.0.0.1:6640"));
        assertTrue(error.getMessage().startsWith("ssl:127.0.0.1:6640: TLS is not configured"), error.getMessage());
    }
}
