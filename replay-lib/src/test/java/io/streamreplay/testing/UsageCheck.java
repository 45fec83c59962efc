package io.streamreplay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Checks a program's command line as its users meet it: every help text, and what a usage error prints. */
public final class UsageCheck {

    private UsageCheck() {
    }

    /**
     * Renders the help of the command and of every subcommand, and fails if Picocli warns about any (an unescaped
     * {@code %} in a description, for example); returns the commands checked, by qualified name.
     */
    public static List<String> everyHelpRendersWithoutWarning(CommandLine commandLine) {
        List<String> checked = new ArrayList<>();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            render(commandLine, checked);
        } finally {
            System.setErr(err);
        }
        String warnings = captured.toString(StandardCharsets.UTF_8);
        assertFalse(warnings.contains("WARN"), "Picocli warned while rendering help:\n" + warnings);
        return checked;
    }

    private static void render(CommandLine commandLine, List<String> checked) {
        StringWriter text = new StringWriter();
        commandLine.usage(new PrintWriter(text));
        checked.add(commandLine.getCommandSpec().qualifiedName());
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            if (!checked.contains(sub.getCommandSpec().qualifiedName())) {
                render(sub, checked);
            }
        }
    }

    /** Runs {@code args}, which must be a usage error, and returns its exit status and standard error. */
    public static String usageError(CommandLine commandLine, String... args) {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        commandLine.setOut(new PrintWriter(out));
        int status = commandLine.execute(args);
        assertEquals(2, status, err.toString());
        assertEquals("", out.toString(), "nothing on standard output");
        return err.toString();
    }
}
