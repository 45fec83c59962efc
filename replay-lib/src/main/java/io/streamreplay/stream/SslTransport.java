package io.streamreplay.stream;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * TLS over TCP: {@code ssl:HOST[:PORT]} and {@code pssl:[PORT][:IP]}, configured by a {@link TlsConfig}. Addresses
 * follow {@link TcpTransport}; accepted streams are named {@code ssl:IP:PORT} after their peer.
 */
public final class SslTransport implements Transport {

    private final TlsConfig config;

    /** A transport using {@code config} for every stream it opens or accepts. */
    public SslTransport(TlsConfig config) {
        this.config = config;
    }

    @Override
    public String prefix() {
        return "ssl";
    }

    @Override
    public String usage() {
        return "ssl:HOST[:PORT]  TLS connection (port 6640 by default); pssl:[PORT][:IP]  TLS listener";
    }

    @Override
    public Stream open(String name, String target) throws IOException {
        InetSocketAddress address = Addresses.resolve(name, Addresses.parseActive(name, target));
        // Fail on missing key material before any packet is sent.
        var engine = config.newEngine(name, true);
        return new SslStream(new ChannelStream(name, TcpTransport.openChannel(name, address), true), engine,
                config.handshakeTimeoutMillis(), config.trustedDescription());
    }

    @Override
    public void check(String name, String target, boolean passive) throws InvalidStreamNameException {
        if (passive) {
            Addresses.parsePassive(name, target);
        } else {
            Addresses.parseActive(name, target);
        }
    }

    @Override
    public PassiveStream listen(String name, String target) throws IOException {
        config.newEngine(name, false);
        return TcpTransport.listenChannel(name, target, (channel, peer) -> {
            String acceptedName = "ssl:" + peer;
            return new SslStream(new ChannelStream(acceptedName, channel, true),
                    config.newEngine(acceptedName, false), config.handshakeTimeoutMillis(),
                    config.trustedDescription());
        });
    }
}
