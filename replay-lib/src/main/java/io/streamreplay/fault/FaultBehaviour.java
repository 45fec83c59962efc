package io.streamreplay.fault;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a rule of a {@link FaultSpec} does, with the parameters it takes. The behaviours and their parameters follow
 * those of Toxiproxy's toxics ({@code latency}, {@code slicer}, {@code reset_peer}, {@code timeout},
 * {@code bandwidth}, {@code limit_data}) and vaurien's behaviours ({@code delay}, {@code hang}, {@code blackout},
 * {@code error}). Every parameter is a whole number; its name says its unit.
 */
public enum FaultBehaviour {

    /** Holds an operation's bytes for {@code ms} milliseconds, give or take up to {@code jitter}, of loop time. */
    DELAY("delay", Scope.OPERATION, param("ms", "100"), param("jitter", "0")),
    /** Moves an operation's bytes in pieces of 1 to {@code max} bytes. */
    SLICE("slice", Scope.OPERATION, param("max", "8")),
    /**
     * Resets the connection: at the operation chosen, or, with {@code after}, once {@code after} bytes have moved
     * on a stream chosen when it first carries data.
     */
    RESET("reset", Scope.OPERATION, param("after", null)),
    /** Moves nothing, either way, for {@code ms} milliseconds, or for ever without {@code ms}. */
    HANG("hang", Scope.OPERATION, param("ms", null)),
    /** Refuses connects and accepts on the streams the rule selects for {@code ms} milliseconds. */
    BLACKOUT("blackout", Scope.CONNECTION, param("ms", "1000")),
    /** Fails the operation, and with it the stream, with the I/O error {@code errno}. */
    ERROR("error", Scope.OPERATION, param("errno", "ECONNRESET")),
    /** Flips {@code bits} random bits in the bytes an operation received. */
    CORRUPT("corrupt", Scope.OPERATION, param("bits", "1")),
    /** Limits a chosen stream to {@code rate} bytes per second of loop time. */
    BANDWIDTH("bandwidth", Scope.STREAM, param("rate", null)),
    /** Closes a chosen stream once {@code bytes} bytes have moved. */
    LIMIT_DATA("limit-data", Scope.STREAM, param("bytes", null));

    /** What PERCENT is the chance of. */
    public enum Scope {
        /** Each operation that moves bytes is chosen with PERCENT chance. */
        OPERATION,
        /** Each stream is chosen with PERCENT chance, once. */
        STREAM,
        /** Each connect or accept is chosen with PERCENT chance. */
        CONNECTION
    }

    /** The parameter every behaviour takes: the operations of a stream (or connections) that pass unharmed. */
    public static final String WARMUP = "warmup";

    /** The I/O errors {@link #ERROR} can inject, by their POSIX names. */
    public static final List<String> ERRNOS = List.of("ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED",
            "ECONNREFUSED", "EHOSTUNREACH", "EIO");

    private final String text;
    private final Scope scope;
    @SuppressWarnings("ImmutableEnumChecker") // an unmodifiable map
    private final Map<String, String> defaults;

    FaultBehaviour(String text, Scope scope, String[]... params) {
        this.text = text;
        this.scope = scope;
        Map<String, String> map = new LinkedHashMap<>();
        for (String[] p : params) {
            map.put(p[0], p[1]);
        }
        this.defaults = Collections.unmodifiableMap(map);
    }

    private static String[] param(String name, String defaultValue) {
        return new String[] {name, defaultValue};
    }

    /** The name in a specification, such as {@code limit-data}. */
    public String text() {
        return text;
    }

    /** What PERCENT is the chance of for this behaviour. */
    public Scope scope() {
        return scope;
    }

    /** The parameters, in documentation order, each with its default value (null: none, the parameter is off). */
    public Map<String, String> parameters() {
        return defaults;
    }

    /** Whether the parameter must be given: {@code rate} and {@code bytes}, which have no sensible default. */
    boolean required(String param) {
        return (this == BANDWIDTH || this == LIMIT_DATA) && defaults.containsKey(param);
    }

    /** The behaviour named {@code text}, or null. */
    static FaultBehaviour named(String text) {
        for (FaultBehaviour b : values()) {
            if (b.text.equals(text.toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        return null;
    }

    /** The names, for messages. */
    static String names() {
        StringBuilder names = new StringBuilder();
        for (FaultBehaviour b : values()) {
            names.append(names.length() == 0 ? "" : ", ").append(b.text);
        }
        return names.toString();
    }
}
