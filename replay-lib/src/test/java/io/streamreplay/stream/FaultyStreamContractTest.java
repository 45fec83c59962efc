package io.streamreplay.stream;

/**
 * The stream contract over TCP with faults that a correct peer must absorb injected below both ends: reads and
 * writes that move fewer bytes than they could, and stalls. (Resets break any contract and are tested elsewhere.)
 */
class FaultyStreamContractTest extends TcpStreamContractTest {

    private StreamProvider faulty;

    private StreamProvider faulty() {
        if (faulty == null) {
            Faults faults = Faults.fragmenting(20261130).withStalls(0.01, 2);
            faulty = new FaultyStreamProvider(TransportRegistry.standard(TlsConfig.none()),
                    new Faults(faults.seed(), 0.5, faults.stallChance(), faults.stallMillis(),
                            faults.resetAfterBytes(), faults.applies()),
                    loop.clock());
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
