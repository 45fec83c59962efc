package io.streamreplay.fault;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * One rule of a {@link FaultSpec}: which streams and direction, how likely, what behaviour with which parameters.
 * Immutable. Two rules with the same text are still two rules: a stream keeps its state per rule object.
 *
 * @param text the rule as written, normalised ({@link #toString()})
 * @param direction the direction of the operations it applies to
 * @param glob the stream name pattern ({@code *} any characters, {@code ?} one), or {@code "*"} for every stream
 * @param percent the chance, from 0 to 100, of the rule's scope ({@link FaultBehaviour.Scope}) being chosen
 * @param behaviour what it does
 * @param params every parameter of the behaviour, given or default (absent: off)
 * @param warmup the operations of a stream (for {@link FaultBehaviour#BLACKOUT}: the connections) that pass before
 *     the rule applies
 */
public record FaultRule(String text, Direction direction, String glob, double percent, FaultBehaviour behaviour,
        Map<String, String> params, long warmup) {

    /** The operations a rule applies to. */
    public enum Direction {
        /** Receiving (for {@link FaultBehaviour#BLACKOUT}: accepting). */
        IN,
        /** Sending (for {@link FaultBehaviour#BLACKOUT}: connecting). */
        OUT,
        /** Both. */
        BOTH;

        /** Whether a rule in this direction applies to an operation that receives ({@code in}) or sends. */
        public boolean covers(boolean in) {
            return this == BOTH || (this == IN) == in;
        }
    }

    /** Whether the rule selects a stream named {@code name} (or accepted from a listener of that name). */
    public boolean selects(String name) {
        return name != null && globPattern(glob).matcher(name).matches();
    }

    /** The whole-number parameter {@code name}, or {@code absent} if it is off. */
    public long number(String name, long absent) {
        String value = params.get(name);
        return value == null ? absent : Long.parseLong(value);
    }

    /** The text parameter {@code name} (such as {@code errno}). */
    public String word(String name) {
        return params.get(name);
    }

    @Override
    public String toString() {
        return text;
    }

    private static Pattern globPattern(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
