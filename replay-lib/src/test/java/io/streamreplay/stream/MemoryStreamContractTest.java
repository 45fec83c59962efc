package io.streamreplay.stream;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.testing.ManualBlocker;
import io.streamreplay.testing.MemoryTransport;
import io.streamreplay.testing.StreamContract;

/** The stream contract over the in-memory transport, on simulated time: no socket, no sleeping. */
class MemoryStreamContractTest extends StreamContract {

    private final StreamProvider memory = new MemoryTransport().registry();

    @Override
    protected PollLoop newLoop() {
        return ManualBlocker.newLoop();
    }

    @Override
    protected StreamProvider serverSide() {
        return memory;
    }

    @Override
    protected StreamProvider clientSide() {
        return memory;
    }

    @Override
    protected String listenName() {
        return "pmem:contract";
    }

    @Override
    protected String connectName(PassiveStream listener) {
        return "mem:contract";
    }

    @Override
    protected String unreachableName() {
        return "mem:nobody";
    }
}
