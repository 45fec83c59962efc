package io.streamreplay.dbserver.server;

import io.streamreplay.control.ControlCommand;
import io.streamreplay.control.ControlReply;
import io.streamreplay.control.ControlServer;
import io.streamreplay.jsonrpc.Limits;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.StreamProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the server is active or a backup, and the control commands that change it, as in Open vSwitch's
 * ovsdb-server 3.1 ({@code ovsdb-server(1)}, "Active-Backup Commands"): {@code ovsdb-server/set-active-ovsdb-server
 * SERVER}, {@code get-active-ovsdb-server}, {@code connect-active-ovsdb-server} (become a backup of it),
 * {@code disconnect-active-ovsdb-server} (become active), {@code set-active-ovsdb-server-probe-interval MS},
 * {@code set-sync-exclude-tables [DB:TABLE,...]}, {@code get-sync-exclude-tables} and {@code sync-status}, with its
 * replies, in its words. A backup refuses its clients' writes ({@link OvsdbServer#setReadOnly}); a backup whose
 * replication fails for good becomes active, as ovsdb-server's does.
 *
 * <p>Closing it ends replication (the session to the active is closed, so the active sees the backup go), as
 * ovsdb-server does on exit; a server embedded in a longer-lived JVM leaves no connection behind.
 *
 * <p>Loop thread only: {@link #run} and {@link #waitAll} each iteration.
 */
public final class ReplicationControl implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationControl.class);

    private final PollLoop loop;
    private final StreamProvider streams;
    private final Limits limits;
    private final OvsdbServer server;
    private String syncFrom;
    private ExcludedTables excluded;
    private long probeIntervalMillis;
    /** The replication in progress while the server is a backup; null while it is active. */
    private Replication replication;

    /**
     * @param syncFrom the active server to replicate from ({@code --sync-from}), or null
     * @param excluded the tables left out ({@code --sync-exclude-tables})
     * @param probeIntervalMillis silence before an inactivity probe on the replication session; 0 for none
     */
    public ReplicationControl(PollLoop loop, StreamProvider streams, Limits limits, OvsdbServer server,
            String syncFrom, ExcludedTables excluded, long probeIntervalMillis) {
        this.loop = loop;
        this.streams = streams;
        this.limits = limits;
        this.server = server;
        this.syncFrom = syncFrom;
        this.excluded = excluded;
        this.probeIntervalMillis = probeIntervalMillis;
    }

    /** Becomes a backup of the active server given: connects to it and refuses clients' writes from now on. */
    public void startBackup() {
        if (replication != null) {
            replication.close();
        }
        replication = new Replication(loop, streams, limits, server, syncFrom, excluded, probeIntervalMillis);
        server.setReadOnly(true);
    }

    /** Whether the server is a backup now. */
    public boolean isBackup() {
        return replication != null;
    }

    /** Registers the commands on {@code control}. */
    public void register(ControlServer control) {
        control.register(new ControlCommand("ovsdb-server/set-active-ovsdb-server", "", 1, 1, args -> {
            syncFrom = args.get(0);
            return ControlReply.ok("");
        }));
        control.register(new ControlCommand("ovsdb-server/get-active-ovsdb-server", "", 0, 0,
                args -> ControlReply.ok(syncFrom == null ? "" : syncFrom)));
        control.register(new ControlCommand("ovsdb-server/connect-active-ovsdb-server", "", 0, 0, args -> {
            if (syncFrom == null) {
                // ovsdb-server answers this as a success, not an error.
                return ControlReply.ok("Unable to connect: active server is not specified.\n");
            }
            log.info("becoming a backup of {}", syncFrom);
            startBackup();
            return ControlReply.ok("");
        }));
        control.register(new ControlCommand("ovsdb-server/disconnect-active-ovsdb-server", "", 0, 0, args -> {
            if (replication != null) {
                log.info("disconnecting from the active server {}: this server is active now", syncFrom);
            }
            becomeActive();
            return ControlReply.ok("");
        }));
        control.register(new ControlCommand("ovsdb-server/set-active-ovsdb-server-probe-interval", "", 1, 1,
                args -> {
                    try {
                        probeIntervalMillis = Integer.parseInt(args.get(0));
                    } catch (NumberFormatException e) {
                        return ControlReply.ok("Invalid probe interval, integer value expected");
                    }
                    if (replication != null) {
                        replication.setProbeInterval(Math.max(0, probeIntervalMillis));
                    }
                    return ControlReply.ok("");
                }));
        // ovsdb-server 3.1 declares the argument optional and crashes without it; here none clears the list.
        control.register(new ControlCommand("ovsdb-server/set-sync-exclude-tables", "", 0, 1, args -> {
            excluded = ExcludedTables.parse(args.isEmpty() ? null : args.get(0));
            if (replication != null) {
                startBackup();
            }
            return ControlReply.ok("");
        }));
        control.register(new ControlCommand("ovsdb-server/get-sync-exclude-tables", "", 0, 0,
                args -> ControlReply.ok(excluded.toString())));
        control.register(new ControlCommand("ovsdb-server/sync-status", "", 0, 0, args -> ControlReply.ok(
                replication == null ? "state: active\n" : "state: backup\n" + replication.status())));
    }

    /** Runs replication; a backup whose replication failed for good becomes active. */
    public void run() {
        if (replication == null) {
            return;
        }
        replication.run();
        if (replication.failed()) {
            log.warn("replication from {} failed: this server is active now", syncFrom);
            becomeActive();
        }
    }

    /** Registers what replication waits for. */
    public void waitAll() {
        if (replication != null) {
            replication.waitAll();
        }
    }

    /** Ends replication, if the server is a backup: closes its session to the active server. Idempotent. */
    @Override
    public void close() {
        if (replication != null) {
            replication.close();
            replication = null;
        }
    }

    private void becomeActive() {
        close();
        server.setReadOnly(false);
    }
}
