package io.streamreplay.client;

import io.streamreplay.client.format.TableWriter;
import io.streamreplay.replay.RecordReplayException;
import io.streamreplay.replay.ReplayOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every database command does around its own work: open the runtime its options select (live, recording
 * or replaying), print through a {@link TableWriter}, report a {@link ClientException} in one line on standard
 * error with its exit status, and end a recording cleanly.
 */
public abstract class ClientCommand implements Callable<Integer> {

    @ParentCommand
    private SampleClient top;

    @Mixin
    private ReplayOptions replay;

    @Spec
    protected CommandSpec spec;

    /** The shared options, wherever on the command line they were given. */
    protected ClientOptions options;

    /** The command's work; returns its exit status. */
    protected abstract int run(ClientRuntime runtime, TableWriter out) throws ClientException;

    @Override
    public final Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        options = top.options();
        ClientRuntime runtime;
        try {
            runtime = ClientRuntime.open(options, replay.orElse(top.replayOptions()), commandLine());
        } catch (ClientException e) {
            return fail(err, e.getMessage(), e.exitStatus());
        }
        Throwable crash = null;
        try {
            TableWriter out = new TableWriter(spec.commandLine().getOut(), options.format, !options.noHeadings,
                    options.pretty);
            return run(runtime, out);
        } catch (ClientException e) {
            return fail(err, e.getMessage(), e.exitStatus());
        } catch (RecordReplayException e) {
            // A replay of a run that was interrupted or killed ends here, after printing what that run printed.
            return e.isExpectedEnd() ? ClientException.INTERRUPTED : fail(err, e.getMessage(), e.exitStatus());
        } catch (RuntimeException | Error e) {
            // A bug, or out of memory: a recording of this run must not say it ended as meant.
            crash = e;
            e.printStackTrace(err);
            return fail(err, "internal error: " + e, ClientException.FAILED);
        } finally {
            if (crash != null) {
                runtime.closeAfterCrash(crash);
            } else {
                runtime.close();
            }
        }
    }

    private List<String> commandLine() {
        List<String> args = new ArrayList<>();
        args.add(spec.qualifiedName(" "));
        args.addAll(spec.commandLine().getParseResult().originalArgs());
        return args;
    }

    private int fail(PrintWriter err, String message, int status) {
        err.println(ClientRuntime.PROGRAM + ": " + message);
        err.flush();
        return status;
    }

    /** Sends {@code set_db_change_aware}: failing is fatal only with {@code --db-change-aware}. */
    protected void changeAware(OvsdbClient client, boolean always) throws ClientException {
        if (options.dbChangeAware || always) {
            try {
                client.call("set_db_change_aware", true);
            } catch (ClientException e) {
                if (options.dbChangeAware) {
                    throw e;
                }
            }
        }
    }

    /**
     * The database to use: the first of {@code args} if it names one of the server's (it is then removed),
     * otherwise the server's only database that does not start with {@code _}.
     */
    protected static String database(OvsdbClient client, List<String> args) throws ClientException {
        List<String> names = new ArrayList<>();
        client.call("list_dbs").forEach(name -> names.add(name.asText()));
        if (!args.isEmpty() && names.contains(args.get(0))) {
            return args.remove(0);
        }
        List<String> data = names.stream().filter(name -> !name.startsWith("_")).toList();
        if (data.size() == 1) {
            return data.get(0);
        }
        throw new ClientException(ClientException.BAD_INPUT, "no default database: name one of " + names);
    }
}
