package io.streamreplay.stream;

import io.streamreplay.testing.StreamContract;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/** The stream contract over TCP on loopback. */
class TcpStreamContractTest extends StreamContract {

    private final StreamProvider tcp = TransportRegistry.standard(TlsConfig.none());

    @Override
    protected StreamProvider serverSide() {
        return tcp;
    }

    @Override
    protected StreamProvider clientSide() {
        return tcp;
    }

    @Override
    protected String listenName() {
        return "ptcp:0:127.0.0.1";
    }

    @Override
    protected String connectName(PassiveStream listener) {
        return "tcp:127.0.0.1:" + listener.name().split(":")[1];
    }

    @Override
    protected String unreachableName() throws IOException {
        return "tcp:127.0.0.1:" + unusedPort();
    }

    /** A loopback port nobody listens on (it was free a moment ago). */
    static int unusedPort() throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    @Override
    protected boolean resetReachesThePeerAsAnError() {
        return true;
    }
}
