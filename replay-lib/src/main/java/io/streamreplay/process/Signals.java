package io.streamreplay.process;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Locale;

/**
 * Catches POSIX signals ({@code INT}, {@code TERM}, {@code USR2}, ...) with a handler of the program's own instead of
 * the JVM's default action.
 *
 * <p>The JDK has no supported API for this: shutdown hooks cannot keep a process running (SIGUSR2 prints statistics
 * and goes on) nor let it finish its work in its own thread (Ctrl-C ending a monitor cleanly). {@code sun.misc.Signal}
 * in the {@code jdk.unsupported} module is the sanctioned exception; it is reached here by reflection, so that no
 * other class depends on it and the build needs no proprietary-API warning.
 *
 * <p>Handlers run on a thread the JVM creates for the signal: they must only set flags and wake a loop
 * ({@link io.streamreplay.poll.PollLoop#wakeup()}). Thread-safe.
 */
public final class Signals {

    private Signals() {
    }

    /**
     * Runs {@code handler} whenever the process receives signal {@code name} (without the {@code SIG} prefix).
     *
     * @throws IllegalArgumentException if the signal is unknown on this system or reserved by the JVM (such as
     *         {@code QUIT} or {@code USR1}), or if this JVM offers no way to catch signals
     */
    public static void handle(String name, Runnable handler) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance(name.toUpperCase(Locale.ROOT));
            Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (self, method, args) -> dispatch(self, method, args, handler));
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, proxy);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("cannot catch SIG" + name + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot catch SIG" + name + ": this JVM has no sun.misc.Signal", e);
        }
    }

    private static Object dispatch(Object self, Method method, Object[] args, Runnable handler) {
        return switch (method.getName()) {
            case "handle" -> {
                handler.run();
                yield null;
            }
            case "hashCode" -> System.identityHashCode(self);
            case "equals" -> self == args[0];
            default -> "signal handler " + handler;
        };
    }
}
