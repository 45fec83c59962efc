package io.streamreplay.dbserver;

import io.streamreplay.control.ControlServer;
import io.streamreplay.control.LogLevels;
import io.streamreplay.dbserver.data.UuidGenerator;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.server.ExcludedTables;
import io.streamreplay.dbserver.server.OvsdbServer;
import io.streamreplay.dbserver.server.ReplicationControl;
import io.streamreplay.dbserver.server.ServerControlCommands;
import io.streamreplay.dbserver.server.ServerStatus;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.jsonrpc.JsonRpcServer;
import io.streamreplay.jsonrpc.Limits;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.process.FatalSignals;
import io.streamreplay.replay.RecordReplayException;
import io.streamreplay.replay.RecordingFailedException;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.replay.ReplayMode;
import io.streamreplay.replay.ReplayOptions;
import io.streamreplay.replay.StartingStateException;
import io.streamreplay.status.StatusEndpoint;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the server, once {@link SampleDbServer} has checked its command line: opens the recording or replay,
 * the database files, the pid file, the remotes, the control socket, replication and {@code --http}; serves until
 * asked to exit; then closes all of it, the recording last. Every failure is logged and becomes an exit status;
 * an internal error (out of memory, a bug) also marks the recording {@code crashed}.
 *
 * <p>Runs on the thread that calls {@link #run}, which is the poll loop's.
 */
final class ServerRun {

    // The program's lines, as users and log comparisons know them, whichever class writes them.
    private static final Logger log = LoggerFactory.getLogger(SampleDbServer.class);
    /** A backup's inactivity probe on its connection to the active server, live, as ovsdb-server's: 60 s. */
    private static final long REPLICATION_PROBE_INTERVAL_MILLIS = 60000;

    /**
     * What the command line asked for, as {@link SampleDbServer}'s options document them.
     *
     * @param inactivityProbeMillis {@code --inactivity-probe} in milliseconds, or null if not given
     * @param syncFrom the active server to back up, or null
     * @param pidFile the pid file, or null
     * @param http the {@code --http} address, or null
     */
    record Settings(List<Path> databaseFiles, List<String> remotes, Long inactivityProbeMillis, String syncFrom,
            String syncExcludeTables, boolean active, Path control, Path pidFile, String http) {
    }

    private final Settings settings;
    private final ReplayOptions replayOptions;
    private final List<String> commandLine;

    /** @param commandLine the command line, for a recording's manifest */
    ServerRun(Settings settings, ReplayOptions replayOptions, List<String> commandLine) {
        this.settings = settings;
        this.replayOptions = replayOptions;
        this.commandLine = commandLine;
    }

    /** The remotes given, or the default one. */
    private List<String> remotes() {
        return settings.remotes().isEmpty() ? List.of(SampleDbServer.DEFAULT_REMOTE) : settings.remotes();
    }

    /**
     * Runs the server until it is asked to exit, a signal stops it or it fails, and closes everything it opened.
     *
     * @return the exit status, as {@link SampleDbServer} lists them
     */
    int run(LogLevels logLevels, TransportRegistry transports) {
        ReplayContext replay;
        try {
            replay = replayOptions.open(SampleDbServer.PROGRAM, commandLine);
        } catch (IOException e) {
            log.error("{}", e.getMessage());
            return 1;
        } catch (RecordingFailedException e) {
            log.error("{}", e.getMessage());
            return e.exitStatus();
        }
        List<DatabaseFile> files = new ArrayList<>();
        StatusEndpoint status = null;
        PidFile pid = null;
        Thread pidRemover = null;
        Throwable crash = null;
        try {
            PollLoop loop = replay.newPollLoop();
            StreamProvider streams = replay.streams(transports);
            UuidGenerator uuids = new UuidGenerator(replay.source("uuid").nextLong());
            for (Path file : settings.databaseFiles()) {
                DatabaseFile opened = DatabaseFile.open(replay.startingFile(file), uuids);
                // A kill -9 must not leave the file a transaction ahead of what the recording replays.
                opened.beforeEachChange(replay::commitBeforeOutput);
                files.add(opened);
            }
            if (replay.mode() != ReplayMode.REPLAY && settings.pidFile() != null) {
                // A replay must not take the pid file of a live server, and writes nothing the recorded run did not.
                pid = PidFile.create(settings.pidFile());
                pidRemover = new Thread(pid::closeQuietly, "pidfile-removal");
                Runtime.getRuntime().addShutdownHook(pidRemover);
            }
            FatalSignals signals = stopOnSignals(loop, replay);
            // Sized from the heap of the recorded run, so that a replay drops the same clients at the same point.
            Limits limits = Limits.forHeap(replay.source("heap").observe(Runtime.getRuntime()::maxMemory));
            OvsdbServer server = new OvsdbServer(loop, uuids, files, limits.maxBacklogBytes());
            long probes = replay.probeIntervalMillis(settings.inactivityProbeMillis(),
                    SampleDbServer.PROBE_INTERVAL_MILLIS);
            // Closed in reverse order: the replication session first, as ovsdb-server closes it on exit.
            try (JsonRpcServer rpc = new JsonRpcServer(loop, streams, limits, probes, server);
                    ControlServer controlServer = new ControlServer(loop, streams, settings.control(),
                            SampleDbServer.PROGRAM + " (streamreplay) " + SampleDbServer.VERSION);
                    ReplicationControl replication = new ReplicationControl(loop, streams, limits, server,
                            settings.syncFrom(), ExcludedTables.parse(settings.syncExcludeTables()),
                            replay.probeIntervalMillis(null, REPLICATION_PROBE_INTERVAL_MILLIS))) {
                if (!openRemotes(rpc)) {
                    return 1;
                }
                replication.register(controlServer);
                ServerControlCommands commands = new ServerControlCommands(server, loop, replay, rpc::sessions,
                        remotes());
                commands.register(controlServer);
                controlServer.register(LogLevels.command(logLevels));
                controlServer.serveStreamFaults(replay.streamFaults());
                LogLevels.vlogCommands(logLevels).forEach(controlServer::register);
                status = startStatus(loop, commands, replay);
                log.info("{} {} serving {}", SampleDbServer.PROGRAM, SampleDbServer.VERSION, server.databaseNames());
                if (settings.syncFrom() != null && !settings.active()) {
                    log.info("backup of {}", settings.syncFrom());
                    replication.startBackup();
                }
                serve(loop, rpc, controlServer, server, commands, replication, () -> signals.exitIfReceived(
                        signal -> replay.stoppingOnSignal(log, signal)));
            }
            log.info("exiting");
            return 0;
        } catch (RecordReplayException e) {
            return replay.ended(e, log, LogbackSetup.REPLAY_STATUS);
        } catch (OvsdbException e) {
            log.error("{}: {}", e.tag(), e.details());
            return 1;
        } catch (StartingStateException e) {
            log.error(LogbackSetup.REPLAY_STATUS, "{}", e.getMessage());
            return 1;
        } catch (NoSuchFileException e) {
            log.error("{}: no such file", e.getFile());
            return 1;
        } catch (IOException e) {
            log.error("{}", e.getMessage());
            return 1;
        } catch (RuntimeException | Error e) {
            // Out of memory, a bug: the run cannot go on, and its recording must not claim a clean end.
            crash = e;
            log.error("stopping on an internal error: {}", e.toString(), e);
            return SampleDbServer.CRASH_STATUS;
        } finally {
            if (status != null) {
                status.close();
            }
            for (DatabaseFile file : files) {
                try {
                    file.close();
                } catch (IOException e) {
                    log.error("{}: {}", file.path(), e.toString());
                }
            }
            if (pidRemover != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(pidRemover);
                } catch (IllegalStateException e) {
                    // Already shutting down: the hook removes the file.
                }
            }
            if (pid != null) {
                pid.closeQuietly();
            }
            if (crash != null) {
                replay.closeAfterCrash(crash);
            } else {
                replay.close();
            }
        }
    }

    /** Starts {@code --http}, if given, fed a snapshot each time the loop is about to block; returns it or null. */
    private StatusEndpoint startStatus(PollLoop loop, ServerControlCommands commands, ReplayContext replay)
            throws IOException {
        if (settings.http() == null) {
            return null;
        }
        ServerStatus source = new ServerStatus(commands, replay);
        loop.beforeBlock(source::publish);
        StatusEndpoint endpoint = StatusEndpoint.start(StatusEndpoint.parseAddress(settings.http()), source);
        log.info(LogbackSetup.REPLAY_STATUS, "http: serving /metrics, /stats and /health on {}:{}",
                endpoint.address().getAddress().getHostAddress(), endpoint.address().getPort());
        return endpoint;
    }

    /**
     * SIGTERM and SIGINT stop the server with a line in its log, noted in a recording's manifest so that its replay
     * logs the same line where it ends. The loop acts on them (see {@link FatalSignals}); a replay stops at once. The
     * shutdown hooks then close the recording ({@code stopped}) and remove the pid file.
     */
    private static FatalSignals stopOnSignals(PollLoop loop, ReplayContext replay) {
        if (replay.mode() == ReplayMode.REPLAY) {
            return FatalSignals.atOnce(signal -> log.info(LogbackSetup.REPLAY_STATUS, "replay interrupted by {}",
                    signal));
        }
        return FatalSignals.toLoop(loop::wakeup);
    }

    /** Listens on and connects to the remotes; returns false if none could be opened. */
    private boolean openRemotes(JsonRpcServer rpc) {
        List<String> names = remotes();
        int failed = 0;
        for (String name : names) {
            if (name.startsWith("p")) {
                try {
                    rpc.listen(name);
                } catch (IOException e) {
                    log.error("{}", e.getMessage());
                    failed++;
                }
            } else {
                rpc.connect(name);
            }
        }
        if (failed == names.size()) {
            log.error("no remote could be opened; giving up");
            return false;
        }
        return true;
    }

    private static void serve(PollLoop loop, JsonRpcServer rpc, ControlServer controlServer, OvsdbServer server,
            ServerControlCommands commands, ReplicationControl replication, Runnable signals) {
        while (!controlServer.exitRequested()) {
            signals.run();
            rpc.run();
            controlServer.run();
            replication.run();
            server.run();
            commands.compactIfDue();
            if (controlServer.exitRequested()) {
                break;
            }
            rpc.waitAll("ovsdb remotes");
            controlServer.waitAll();
            replication.waitAll();
            server.waitAll();
            loop.block();
        }
    }
}
