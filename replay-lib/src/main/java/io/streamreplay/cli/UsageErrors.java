package io.streamreplay.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every program on the library reports a bad command line: the problem in one line, a suggestion when Picocli
 * has one (a misspelt option), and where to read the usage, on standard error, with exit status 2; never the
 * whole usage text, which buries the one line that matters.
 *
 * <pre>
 * sample-db-server: Unknown option: '--remot=ptcp:0' (did you mean --remote?)
 * see 'sample-db-server --help'
 * </pre>
 */
public final class UsageErrors implements IParameterExceptionHandler {

    /** The exit status of a bad command line. */
    public static final int STATUS = 2;

    private UsageErrors() {
    }

    /** Makes {@code commandLine} (and its subcommands) report usage errors this way; returns it. */
    public static CommandLine oneLine(CommandLine commandLine) {
        commandLine.setParameterExceptionHandler(new UsageErrors());
        return commandLine;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        PrintWriter err = failed.getErr();
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                // Picocli lists every loosely similar name, most similar first: the first is the useful one.
                message += " (did you mean " + suggestions.get(0) + "?)";
            }
        }
        err.println(failed.getCommandSpec().root().name() + ": " + message);
        err.println("see '" + failed.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return STATUS;
    }
}
