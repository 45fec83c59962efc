package io.streamreplay.process;

import java.io.Console;
import java.lang.reflect.Method;

/**
 * Whether the process talks to a person at a terminal, so that it may draw progress lines that must never end up in
 * a log or a pipe.
 *
 * <p>Up to JDK 21, {@link System#console()} is null unless standard input and output are both a terminal. From JDK
 * 22 it is never null, and {@code Console.isTerminal()} tells instead; this class asks whichever the running JVM
 * offers. Thread-safe.
 */
public final class Terminal {

    private static final Method IS_TERMINAL = isTerminalMethod();

    private Terminal() {
    }

    /** Whether standard input and standard output are both a terminal. */
    @SuppressWarnings("SystemConsoleNull") // null is the answer up to JDK 21; isTerminal() is asked from JDK 22
    public static boolean isInteractive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        if (IS_TERMINAL == null) {
            return true;
        }
        try {
            return (Boolean) IS_TERMINAL.invoke(console);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static Method isTerminalMethod() {
        try {
            return Console.class.getMethod("isTerminal");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
