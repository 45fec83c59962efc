package io.streamreplay.jsonrpc;

/**
 * The timing decisions of a session, with no hidden state: when to (re)connect, when to send an inactivity probe,
 * when to give up on a silent peer. Every method takes the current time, so tests script time without sleeping.
 *
 * <p>Backoff between connection attempts starts at {@code minBackoff} and doubles up to {@code maxBackoff}; a
 * connection that lasted at least {@code maxBackoff} resets it. With a positive probe interval, a connection that
 * received nothing for one interval is probed, and one silent for a second interval is dropped.
 *
 * <p>Times are milliseconds on any monotonic scale. Not thread-safe.
 */
public final class Reconnect {

    /** What the owner should do now. */
    public enum Action {
        /** Nothing. */
        NONE,
        /** Start a connection attempt. */
        CONNECT,
        /** Send an inactivity probe. */
        PROBE,
        /** Drop the connection: the peer has been silent for too long. */
        DISCONNECT
    }

    private enum State {
        BACKOFF, CONNECTING, ACTIVE, IDLE, VOID
    }

    private final long minBackoff;
    private final long maxBackoff;
    private long probeInterval;
    private State state = State.BACKOFF;
    private long stateEntered;
    private long backoff;
    private long lastActivity;
    private int attempts;

    /**
     * @param probeInterval milliseconds of silence before a probe; 0 disables probes
     */
    public Reconnect(long minBackoff, long maxBackoff, long probeInterval) {
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
        this.probeInterval = probeInterval;
    }

    /** Open vSwitch's defaults: 1 s to 8 s backoff, probes after 5 s. */
    public static Reconnect withDefaults(long probeInterval) {
        return with(Backoff.DEFAULT, probeInterval);
    }

    /** {@code backoff}, and probes after {@code probeInterval} milliseconds of silence (0: none). */
    public static Reconnect with(Backoff backoff, long probeInterval) {
        return new Reconnect(backoff.minMillis(), backoff.maxMillis(), probeInterval);
    }

    /** A connection attempt was started. */
    public void connecting(long now) {
        enter(State.CONNECTING, now);
        attempts++;
    }

    /** The connection attempt succeeded. */
    public void connected(long now) {
        enter(State.ACTIVE, now);
        lastActivity = now;
    }

    /** The connection attempt failed, or an established connection was lost. */
    public void disconnected(long now) {
        if (state == State.VOID) {
            return;
        }
        boolean lasted = (state == State.ACTIVE || state == State.IDLE) && now - stateEntered >= maxBackoff;
        backoff = lasted || backoff == 0 ? minBackoff : Math.min(maxBackoff, backoff * 2);
        enter(State.BACKOFF, now);
    }

    /** Bytes arrived from the peer. */
    public void activity(long now) {
        lastActivity = now;
        if (state == State.IDLE) {
            enter(State.ACTIVE, now);
        }
    }

    /** Changes the probe interval (0 disables probes), for example for a new connection's transport. */
    public void setProbeInterval(long probeInterval) {
        this.probeInterval = probeInterval;
    }

    /** Stops for good: {@link #run} returns {@link Action#NONE} from now on. */
    public void disable() {
        state = State.VOID;
    }

    /** Decides what to do at {@code now}. */
    public Action run(long now) {
        switch (state) {
            case BACKOFF -> {
                return now >= stateEntered + backoff ? Action.CONNECT : Action.NONE;
            }
            case ACTIVE -> {
                if (probeInterval > 0 && now >= lastActivity + probeInterval) {
                    enter(State.IDLE, now);
                    return Action.PROBE;
                }
                return Action.NONE;
            }
            case IDLE -> {
                return now >= stateEntered + probeInterval ? Action.DISCONNECT : Action.NONE;
            }
            default -> {
                return Action.NONE;
            }
        }
    }

    /** When {@link #run} may next return something other than {@link Action#NONE}, or {@code Long.MAX_VALUE}. */
    public long wakeTime() {
        return switch (state) {
            case BACKOFF -> stateEntered + backoff;
            case ACTIVE -> probeInterval > 0 ? lastActivity + probeInterval : Long.MAX_VALUE;
            case IDLE -> stateEntered + probeInterval;
            default -> Long.MAX_VALUE;
        };
    }

    /** Whether a connection is established. */
    public boolean isConnected() {
        return state == State.ACTIVE || state == State.IDLE;
    }

    /** How many connection attempts have been started. */
    public int attempts() {
        return attempts;
    }

    /** Milliseconds since the current state was entered; for an idle session, since its probe was sent. */
    public long inStateMillis(long now) {
        return now - stateEntered;
    }

    /** The backoff in force since the last disconnection. */
    public long backoff() {
        return backoff;
    }

    private void enter(State next, long now) {
        state = next;
        stateEntered = now;
    }
}
