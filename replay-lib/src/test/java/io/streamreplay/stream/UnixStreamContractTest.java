package io.streamreplay.stream;

import io.streamreplay.testing.StreamContract;

/** The stream contract over Unix domain sockets. */
class UnixStreamContractTest extends StreamContract {

    private final StreamProvider unix = TransportRegistry.standard(TlsConfig.none());

    @Override
    protected StreamProvider serverSide() {
        return unix;
    }

    @Override
    protected StreamProvider clientSide() {
        return unix;
    }

    @Override
    protected String listenName() {
        return "punix:" + tmp.resolve("contract.sock");
    }

    @Override
    protected String connectName(PassiveStream listener) {
        return "unix:" + listener.name().substring("punix:".length());
    }

    @Override
    protected String unreachableName() {
        return "unix:" + tmp.resolve("nobody.sock");
    }
}
