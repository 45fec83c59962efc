package io.streamreplay.stream;

import io.streamreplay.testing.StreamContract;
import io.streamreplay.testing.TestCertificates;
import java.io.IOException;

/** The stream contract over TLS on loopback, both peers verified by the test's own CA. */
class SslStreamContractTest extends StreamContract {

    @Override
    protected StreamProvider serverSide() throws IOException {
        return TransportRegistry.standard(TestCertificates.get().server());
    }

    @Override
    protected StreamProvider clientSide() throws IOException {
        return TransportRegistry.standard(TestCertificates.get().clientPem());
    }

    @Override
    protected String listenName() {
        return "pssl:0:127.0.0.1";
    }

    @Override
    protected String connectName(PassiveStream listener) {
        return "ssl:127.0.0.1:" + listener.name().split(":")[1];
    }

    @Override
    protected String unreachableName() throws IOException {
        return "ssl:127.0.0.1:" + TcpStreamContractTest.unusedPort();
    }

    @Override
    protected boolean resetReachesThePeerAsAnError() {
        return true;
    }
}
