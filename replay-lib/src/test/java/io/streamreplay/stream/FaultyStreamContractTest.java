package io.streamreplay.stream;

import io.streamreplay.fault.FaultyStreamProvider;
import io.streamreplay.fault.StreamFaults;

/**
 * The stream contract over TCP with faults that a correct peer must absorb injected below both ends: reads and
 * writes that move fewer bytes than they could, and delays. (Resets break any contract and are tested elsewhere.)
 */
class FaultyStreamContractTest extends TcpStreamContractTest {

    private StreamProvider faulty;

    private StreamProvider faulty() {
        if (faulty == null) {
            faulty = new FaultyStreamProvider(TransportRegistry.standard(TlsConfig.none()),
                    StreamFaults.of("50:slice(max=7),1:delay(ms=2)", 20261130), loop.clock());
        }
        return faulty;
    }

    @Override
    protected StreamProvider serverSide() {
        return faulty();
    }

    @Override
    protected StreamProvider clientSide() {
        return faulty();
    }
}
