package io.streamreplay.replay;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.StreamContract;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The stream contract over TCP with both ends recorded: recording changes nothing a stream's user sees. */
class RecordingStreamContractTest extends StreamContract {

    private ReplayContext context;
    private StreamProvider recorded;

    @Override
    protected PollLoop newLoop() throws IOException {
        context = ReplayContext.record(tmp.resolve("recording"), "contract", List.of());
        recorded = context.streams(TransportRegistry.standard(TlsConfig.none()));
        return context.newPollLoop();
    }

    @AfterEach
    void closeRecording() {
        context.close();
    }

    @Override
    protected StreamProvider serverSide() {
        return recorded;
    }

    @Override
    protected StreamProvider clientSide() {
        return recorded;
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
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return "tcp:127.0.0.1:" + ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    @Override
    protected boolean resetReachesThePeerAsAnError() {
        return true;
    }
}
