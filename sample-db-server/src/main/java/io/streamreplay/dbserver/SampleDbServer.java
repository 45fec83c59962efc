package io.streamreplay.dbserver;

import io.streamreplay.control.ControlServer;
import io.streamreplay.control.LogLevels;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.dbserver.server.OvsdbServer;
import io.streamreplay.dbserver.server.ServerControlCommands;
import io.streamreplay.dbserver.server.UuidGenerator;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.JsonRpcServer;
import io.streamreplay.jsonrpc.Limits;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.replay.RecordingExhaustedException;
import io.streamreplay.replay.RecordingFailedException;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.replay.ReplayException;
import io.streamreplay.replay.ReplayOptions;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code sample-db-server} program: an OVSDB server for one or more database files, listening and connecting
 * on the given remotes, with a control socket, that can record its run and replay it.
 *
 * <p>Exit status: 0 after {@code exit} on the control socket (or the replay of one), 1 for a start-up problem,
 * 2 for bad usage, 3 when a replay runs out of recording, 4 when a replay diverges.
 */
@Command(name = "sample-db-server", mixinStandardHelpOptions = true, versionProvider = SampleDbServer.Version.class,
        sortOptions = false, subcommands = SampleDbServer.Create.class,
        description = {"Serves OVSDB database files (RFC 7047) to clients such as ovsdb-client, ovs-vsctl and"
                + " sample-client.", "",
                "Remotes: ptcp:PORT[:IP], pssl:PORT[:IP] and punix:PATH listen; tcp:IP[:PORT], ssl:IP[:PORT] and"
                        + " unix:PATH connect out and reconnect when the connection drops."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:stopped by the exit control command; a replay also ends with 0 where a killed or"
                + " signalled recording ends", "1:start-up failed",
                "2:bad command line", "3:replay reached the end of a complete recording",
                "4:replay diverged from the recording",
                "5:writing the recording failed, with --replay-record-on-error=exit"})
public final class SampleDbServer implements Callable<Integer> {

    /** The program name, recorded in and checked against replay manifests. */
    public static final String PROGRAM = "sample-db-server";
    /** The version, shown by {@code --version} and the {@code version} control command. */
    public static final String VERSION = "0.1.0";
    /** The remote used when none is given. */
    public static final String DEFAULT_REMOTE = "punix:db.sock";
    /** The control socket used when none is given. */
    public static final String DEFAULT_CONTROL = PROGRAM + ".ctl";

    private static final Logger log = LoggerFactory.getLogger(SampleDbServer.class);
    private static final long PROBE_INTERVAL_MILLIS = 5000;

    /** Picocli's version text. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {PROGRAM + " (streamreplay) " + VERSION};
        }
    }

    @Parameters(paramLabel = "DB-FILE", arity = "0..*", description = "Database files to serve (created with"
            + " 'sample-db-server create' or 'ovsdb-tool create').")
    private List<Path> databaseFiles = new ArrayList<>();

    @Option(names = "--remote", paramLabel = "NAME", description = "Listen on or connect to NAME; repeatable"
            + " (default: " + DEFAULT_REMOTE + ").")
    private List<String> remotes = new ArrayList<>();

    @Option(names = {"--control", "--unixctl"}, paramLabel = "PATH", defaultValue = DEFAULT_CONTROL,
            description = "The control socket (default: ${DEFAULT-VALUE} in the working directory).")
    private Path control;

    @Option(names = "--log-file", paramLabel = "PATH", description = "Also log to PATH (appending).")
    private Path logFile;

    @Option(names = "--log-level", paramLabel = "[LOGGER=]LEVEL", description = "Set the level of LOGGER (a class"
            + " or package name; all loggers if left out) to TRACE, DEBUG, INFO, WARN, ERROR or OFF; repeatable."
            + " At DEBUG, io.streamreplay.replay logs every replayed event with its sequence number.")
    private List<String> logLevels = new ArrayList<>();

    @Option(names = "--pidfile", paramLabel = "PATH", description = "Write the process id to PATH, locked while"
            + " the server runs, removed when it exits.")
    private Path pidFile;

    @Option(names = {"-p", "--private-key"}, paramLabel = "FILE", description = "TLS private key (PEM, PKCS#8).")
    private Path privateKey;

    @Option(names = {"-c", "--certificate"}, paramLabel = "FILE", description = "TLS certificate (PEM).")
    private Path certificate;

    @Option(names = {"-C", "--ca-cert"}, paramLabel = "FILE", description = "CA certificate (PEM) that peers'"
            + " certificates must be signed by.")
    private Path caCertificate;

    @Mixin
    private ReplayOptions replayOptions;

    private String[] commandLine = new String[0];

    /** Creates a database file from a schema, as {@code ovsdb-tool create} does. */
    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Creates DB-FILE holding the schema in SCHEMA-FILE and no data.")
    static final class Create implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DB-FILE")
        private Path dbFile;

        @Parameters(index = "1", paramLabel = "SCHEMA-FILE")
        private Path schemaFile;

        @Override
        public Integer call() {
            try {
                DatabaseSchema schema = DatabaseSchema.fromJson(Json.parse(Files.readString(schemaFile)));
                DatabaseFile.create(dbFile, schema);
                return 0;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                System.err.println(PROGRAM + ": " + dbFile + ": the file exists");
            } catch (NoSuchFileException e) {
                System.err.println(PROGRAM + ": " + e.getFile() + ": no such file");
            } catch (IOException e) {
                System.err.println(PROGRAM + ": " + schemaFile + ": " + e.getMessage());
            } catch (OvsdbException e) {
                System.err.println(PROGRAM + ": " + schemaFile + ": " + e.tag() + ": " + e.details());
            }
            return 1;
        }
    }

    public static void main(String[] args) {
        SampleDbServer command = new SampleDbServer();
        command.commandLine = args.clone();
        System.exit(new CommandLine(command).execute(args));
    }

    @Override
    public Integer call() {
        LogbackSetup logging = new LogbackSetup();
        if (logFile != null) {
            logging.addFile(logFile);
        }
        for (String setting : logLevels) {
            int equals = setting.indexOf('=');
            try {
                logging.set(equals < 0 ? Logger.ROOT_LOGGER_NAME : setting.substring(0, equals),
                        setting.substring(equals + 1));
            } catch (IllegalArgumentException e) {
                log.error("--log-level={}: {}", setting, e.getMessage());
                return 2;
            }
        }
        if (databaseFiles.isEmpty()) {
            log.error("no database file given (use 'sample-db-server create DB-FILE SCHEMA-FILE' to make one)");
            return 1;
        }
        TlsConfig tls;
        if (privateKey == null && certificate == null && caCertificate == null) {
            tls = TlsConfig.none();
        } else if (privateKey == null || certificate == null || caCertificate == null) {
            log.error("TLS needs all three of --private-key, --certificate and --ca-cert");
            return 2;
        } else {
            tls = TlsConfig.pem(privateKey, certificate, caCertificate);
        }
        try {
            return run(logging, tls);
        } finally {
            logging.stop();
        }
    }

    private int run(LogLevels logLevels, TlsConfig tls) {
        ReplayContext replay;
        try {
            replay = replayOptions.open(PROGRAM, List.of(commandLine));
        } catch (IOException e) {
            log.error("{}", e.getMessage());
            return 1;
        }
        List<DatabaseFile> files = new ArrayList<>();
        FileLock pidLock = null;
        try {
            PollLoop loop = replay.newPollLoop();
            StreamProvider streams = replay.streams(TransportRegistry.standard(tls));
            UuidGenerator uuids = new UuidGenerator(replay.source("uuid").nextLong());
            for (Path file : databaseFiles) {
                files.add(DatabaseFile.open(file, uuids));
            }
            pidLock = writePidFile();
            OvsdbServer server = new OvsdbServer(loop, uuids, files);
            long probes = replay.isActive() ? 0 : PROBE_INTERVAL_MILLIS;
            // Sized from the heap of the recorded run, so that a replay drops the same clients at the same point.
            Limits limits = Limits.forHeap(replay.source("heap").observe(Runtime.getRuntime()::maxMemory));
            try (JsonRpcServer rpc = new JsonRpcServer(loop, streams, limits, probes, server);
                    ControlServer controlServer = new ControlServer(loop, streams, control, PROGRAM
                            + " (streamreplay) " + VERSION)) {
                if (!openRemotes(rpc)) {
                    return 1;
                }
                ServerControlCommands commands = new ServerControlCommands(server, loop, replay, rpc::sessions);
                commands.register(controlServer);
                controlServer.register(LogLevels.command(logLevels));
                log.info("{} {} serving {}", PROGRAM, VERSION, server.databaseNames());
                serve(loop, rpc, controlServer, server, commands);
            }
            log.info("exiting");
            return 0;
        } catch (RecordingExhaustedException e) {
            if (e.recordingIncomplete()) {
                log.warn("replay ended where the recording ends: {}", e.getMessage());
                return 0;
            }
            log.error("{}", e.getMessage());
            return e.exitStatus();
        } catch (ReplayException e) {
            log.error("{}", e.getMessage());
            return e.exitStatus();
        } catch (RecordingFailedException e) {
            log.error("{}", e.getMessage());
            return e.exitStatus();
        } catch (OvsdbException e) {
            log.error("{}: {}", e.tag(), e.details());
            return 1;
        } catch (NoSuchFileException e) {
            log.error("{}: no such file", e.getFile());
            return 1;
        } catch (IOException e) {
            log.error("{}", e.getMessage());
            return 1;
        } finally {
            for (DatabaseFile file : files) {
                try {
                    file.close();
                } catch (IOException e) {
                    log.error("{}: {}", file.path(), e.toString());
                }
            }
            releasePidFile(pidLock);
            replay.close();
        }
    }

    /** Listens on and connects to the remotes; returns false if none could be opened. */
    private boolean openRemotes(JsonRpcServer rpc) {
        List<String> names = remotes.isEmpty() ? List.of(DEFAULT_REMOTE) : remotes;
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
            ServerControlCommands commands) {
        while (!controlServer.exitRequested()) {
            rpc.run();
            controlServer.run();
            server.run();
            commands.compactIfDue();
            if (controlServer.exitRequested()) {
                break;
            }
            rpc.waitAll("ovsdb remotes");
            controlServer.waitAll();
            server.waitAll();
            loop.block();
        }
    }

    private FileLock writePidFile() throws IOException {
        if (pidFile == null) {
            return null;
        }
        FileChannel channel = FileChannel.open(pidFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IOException(pidFile + ": the pid file is locked by another running server");
        }
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                .getBytes(StandardCharsets.US_ASCII)));
        return lock;
    }

    private void releasePidFile(FileLock lock) {
        if (lock == null) {
            return;
        }
        try {
            Files.deleteIfExists(pidFile);
            lock.release();
            lock.channel().close();
        } catch (IOException e) {
            log.warn("{}: {}", pidFile, e.toString());
        }
    }
}
