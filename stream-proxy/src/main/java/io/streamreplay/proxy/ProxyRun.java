package io.streamreplay.proxy;

import io.streamreplay.control.ControlCommand;
import io.streamreplay.control.ControlReply;
import io.streamreplay.control.ControlServer;
import io.streamreplay.control.LogLevels;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.process.FatalSignals;
import io.streamreplay.process.Signals;
import io.streamreplay.replay.RecordReplayException;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.replay.ReplayMode;
import io.streamreplay.replay.ReplayOptions;
import io.streamreplay.replay.StartingStateException;
import io.streamreplay.status.StatusEndpoint;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the proxy, once {@link StreamProxy} has checked its command line: opens the recording or replay,
 * restores the counters of {@code --stats-file}, listens, serves the control socket and {@code --http}, forwards
 * until asked to exit, saving the counters when due (not in a replay), and closes all of it. Failures are logged
 * and become the exit status.
 *
 * <p>Runs on the thread that calls {@link #run}, which is the poll loop's; only the SIGUSR2 handler reads the
 * counters from another thread.
 */
final class ProxyRun {

    // The program's lines, as users and log comparisons know them, whichever class writes them.
    private static final Logger log = LoggerFactory.getLogger(StreamProxy.class);
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What the command line asked for, as {@link StreamProxy}'s options document them. */
    record Settings(List<String> listens, String upstream, Protocol protocol, int bufferBytes, int maxConnections,
            Path control, Path statsFile, int statsIntervalSeconds) {
    }

    private final Settings settings;
    private final ReplayOptions replayOptions;
    private final List<String> commandLine;

    /** @param commandLine the command line, for a recording's manifest */
    ProxyRun(Settings settings, ReplayOptions replayOptions, List<String> commandLine) {
        this.settings = settings;
        this.replayOptions = replayOptions;
        this.commandLine = commandLine;
    }

    /**
     * Runs the proxy until it is asked to exit or a signal stops it, and closes what it opened; {@code httpAddress}
     * is where to serve {@code --http}, or null.
     *
     * @return the exit status: 0, or 1 if the proxy could not start or a replay could not go on
     */
    int run(LogLevels logLevels, TransportRegistry transports, InetSocketAddress httpAddress) {
        ReplayContext replay;
        try {
            replay = replayOptions.open(StreamProxy.PROGRAM, commandLine);
        } catch (IOException e) {
            log.error("{}", e.getMessage());
            return 1;
        }
        ProxyStats stats = new ProxyStats(settings.upstream(), settings.protocol(), settings.bufferBytes(),
                settings.maxConnections());
        List<Scope> scopes = new ArrayList<>();
        for (String name : settings.listens()) {
            scopes.add(stats.addListener(name));
        }
        StatsFile saved = null;
        StatusEndpoint endpoint = null;
        boolean replaying = replay.mode() == ReplayMode.REPLAY;
        try {
            PollLoop loop = replay.newPollLoop();
            StreamProvider streams = replay.streams(StreamProxy.liveStreams(transports));
            if (settings.statsFile() != null) {
                saved = new StatsFile(replay.startingFile(settings.statsFile()));
                var counters = saved.read();
                if (counters != null) {
                    stats.restore(counters);
                    log.info("{}: counters restored", settings.statsFile());
                }
            }
            FatalSignals signals = stopOnSignals(loop, replay);
            printStatsOnSigusr2(stats);
            try (Forwarder forwarder = new Forwarder(loop, streams, settings.upstream(), settings.protocol(),
                    settings.bufferBytes(), settings.maxConnections(), stats);
                    ControlServer controlServer = new ControlServer(loop, streams, settings.control(),
                            StreamProxy.PROGRAM + " (streamreplay) " + StreamProxy.VERSION)) {
                int failed = 0;
                for (int i = 0; i < settings.listens().size(); i++) {
                    try {
                        forwarder.listen(settings.listens().get(i), scopes.get(i));
                    } catch (IOException e) {
                        log.error("{}", e.getMessage());
                        failed++;
                    }
                }
                if (failed == settings.listens().size()) {
                    log.error("no listener could be opened; giving up");
                    return 1;
                }
                controlServer.register(new ControlCommand("stats", "", 0, 0,
                        args -> ControlReply.ok(stats.json().toPrettyString() + "\n")));
                controlServer.register(LogLevels.command(logLevels));
                controlServer.serveStreamFaults(replay.streamFaults());
                LogLevels.vlogCommands(logLevels).forEach(controlServer::register);
                if (httpAddress != null) {
                    endpoint = StatusEndpoint.start(httpAddress, new ProxyStatus(stats,
                            new UpstreamProbe(settings.upstream())));
                    log.info(ProxyLogging.OUTSIDE_REPLAY, "http: serving /metrics, /stats and /health on {}:{}",
                            endpoint.address().getAddress().getHostAddress(), endpoint.address().getPort());
                }
                log.info("{} {} forwarding to {}", StreamProxy.PROGRAM, StreamProxy.VERSION, settings.upstream());
                serve(loop, forwarder, controlServer, stats, replaying ? null : saved, () -> signals.exitIfReceived(
                        signal -> replay.stoppingOnSignal(log, signal)));
            }
            log.info("exiting");
            return 0;
        } catch (RecordReplayException e) {
            return replay.ended(e, log, ProxyLogging.OUTSIDE_REPLAY);
        } catch (StartingStateException e) {
            log.error(ProxyLogging.OUTSIDE_REPLAY, "{}", e.getMessage());
            return 1;
        } catch (IOException e) {
            log.error("{}", e.getMessage());
            return 1;
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
            if (saved != null && !replaying) {
                save(saved, stats);
            }
            replay.close();
        }
    }

    /** The loop: stop on a signal, forward, answer the control socket, sample rates each second, save when due. */
    private void serve(PollLoop loop, Forwarder forwarder, ControlServer controlServer, ProxyStats stats,
            StatsFile saving, Runnable signals) {
        // The baseline sample: without it, what comes before the first tick would be in no rate, ever.
        stats.sample(loop.now());
        long nextTick = loop.now() + TICK_NANOS;
        long saveEvery = TimeUnit.SECONDS.toNanos(settings.statsIntervalSeconds());
        long nextSave = loop.now() + saveEvery;
        while (!controlServer.exitRequested()) {
            signals.run();
            forwarder.run();
            controlServer.run();
            long now = loop.now();
            if (now - nextTick >= 0) {
                stats.sample(now);
                nextTick = now + TICK_NANOS;
            }
            if (saving != null && now - nextSave >= 0) {
                save(saving, stats);
                nextSave = now + saveEvery;
            }
            if (controlServer.exitRequested()) {
                break;
            }
            forwarder.waitAll();
            controlServer.waitAll();
            loop.waitUntil(nextTick, "statistics tick");
            loop.block();
        }
    }

    private static void save(StatsFile file, ProxyStats stats) {
        try {
            file.write(stats.savedCounters());
        } catch (IOException e) {
            log.warn(ProxyLogging.OUTSIDE_REPLAY, "{}: saving the counters failed: {}", file.path(), e.toString());
        }
    }

    /**
     * SIGTERM and SIGINT stop the proxy with a line in its log, noted in a recording's manifest so that its replay
     * logs the same line where it ends; as in sample-db-server, the loop acts on them (see {@link FatalSignals}) and a
     * replay stops at once.
     */
    private static FatalSignals stopOnSignals(PollLoop loop, ReplayContext replay) {
        if (replay.mode() == ReplayMode.REPLAY) {
            return FatalSignals.atOnce(signal -> log.info(ProxyLogging.OUTSIDE_REPLAY, "replay interrupted by {}",
                    signal));
        }
        return FatalSignals.toLoop(loop::wakeup);
    }

    /**
     * SIGUSR2 prints the statistics, with latency and rates, as one JSON document on standard output. The signal's
     * thread reads the counters itself and never wakes the loop, so a signal changes nothing the proxy does.
     */
    private static void printStatsOnSigusr2(ProxyStats stats) {
        Signals.handle("USR2", () -> {
            String json = stats.json().toString();
            synchronized (System.out) {
                System.out.println(json);
                System.out.flush();
            }
        });
    }
}
