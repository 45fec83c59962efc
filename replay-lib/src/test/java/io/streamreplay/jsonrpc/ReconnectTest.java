package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.jsonrpc.Reconnect.Action;
import org.junit.jupiter.api.Test;

/** Backoff and probe timing, scripted with explicit times: no sleeping. */
class ReconnectTest {

    @Test
    void connectsAtOnceThenBacksOffDoublingUpToTheMaximum() {
        Reconnect fsm = new Reconnect(1000, 8000, 0);
        assertEquals(Action.CONNECT, fsm.run(0));
        long now = 0;
        long[] expected = {1000, 2000, 4000, 8000, 8000};
        for (long backoff : expected) {
            fsm.connecting(now);
            fsm.disconnected(now);
            assertEquals(backoff, fsm.backoff());
            assertEquals(Action.NONE, fsm.run(now + backoff - 1));
            assertEquals(Action.CONNECT, fsm.run(now + backoff));
            assertEquals(now + backoff, fsm.wakeTime());
            now += backoff;
        }
    }

    @Test
    void aConnectionThatLastedResetsTheBackoff() {
        Reconnect fsm = new Reconnect(1000, 8000, 0);
        for (int i = 0; i < 4; i++) {
            fsm.connecting(0);
            fsm.disconnected(0);
        }
        assertEquals(8000, fsm.backoff());
        fsm.connecting(100_000);
        fsm.connected(100_000);
        fsm.disconnected(120_000);
        assertEquals(1000, fsm.backoff());
    }

    @Test
    void aSilentPeerIsProbedAfterOneIntervalAndDroppedAfterTwo() {
        Reconnect fsm = new Reconnect(1000, 8000, 5000);
        fsm.connecting(0);
        fsm.connected(0);
        assertTrue(fsm.isConnected());
        assertEquals(Action.NONE, fsm.run(4999));
        fsm.activity(3000);
        assertEquals(Action.NONE, fsm.run(7999));
        assertEquals(Action.PROBE, fsm.run(8000));
        assertEquals(Action.NONE, fsm.run(12_999));
        assertEquals(Action.DISCONNECT, fsm.run(13_000));
    }

    @Test
    void anAnsweredProbeKeepsTheConnection() {
        Reconnect fsm = new Reconnect(1000, 8000, 5000);
        fsm.connecting(0);
        fsm.connected(0);
        assertEquals(Action.PROBE, fsm.run(5000));
        fsm.activity(5100);
        assertEquals(Action.NONE, fsm.run(10_000));
        assertEquals(Action.PROBE, fsm.run(10_100));
    }

    @Test
    void disabledNeverActs() {
        Reconnect fsm = new Reconnect(1000, 8000, 5000);
        fsm.disable();
        assertEquals(Action.NONE, fsm.run(1_000_000));
        assertFalse(fsm.isConnected());
        assertEquals(Long.MAX_VALUE, fsm.wakeTime());
    }
}
