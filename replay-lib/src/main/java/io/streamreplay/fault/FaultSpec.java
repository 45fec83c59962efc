package io.streamreplay.fault;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A fault specification: the rules of {@code --stream-faults=SPEC} and {@code stream-faults/set SPEC}, in order.
 * Immutable.
 *
 * <p>Grammar (docs/faults.md has examples):
 * <pre>
 * SPEC      := RULE ( "," RULE )*
 * RULE      := [ WHERE ":" ] PERCENT ":" BEHAVIOUR [ "(" PARAM "=" VALUE ( ";" PARAM "=" VALUE )* ")" ]
 * WHERE     := "in" | "out" | [ ( "in" | "out" ) ":" ] GLOB
 * PERCENT   := a number from 0 to 100, such as 5 or 0.5, optionally followed by "%"
 * BEHAVIOUR := delay | slice | reset | hang | blackout | error | corrupt | bandwidth | limit-data
 * </pre>
 * GLOB matches a stream's name ({@code tcp:127.0.0.1:6640}, {@code unix:/run/x.sock#3}) or the name of the listener
 * it was accepted from ({@code ptcp:6640:127.0.0.1}, as given or as bound), with {@code *} for any characters and
 * {@code ?} for one; without it, every stream. {@code in} limits the rule to receiving, {@code out} to sending.
 * Every behaviour takes {@code warmup=N}: the first N operations of a stream pass that rule.
 */
public final class FaultSpec {

    /** No faults. */
    public static final FaultSpec NONE = new FaultSpec(List.of());

    private final List<FaultRule> rules;

    private FaultSpec(List<FaultRule> rules) {
        this.rules = rules;
    }

    /** The rules, in the order given. */
    public List<FaultRule> rules() {
        return rules;
    }

    /** Whether there are no rules. */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The specification in normal form (every parameter written out), which parses to the same rules. */
    @Override
    public String toString() {
        return String.join(",", rules.stream().map(FaultRule::text).toList());
    }

    /**
     * Parses {@code spec}.
     *
     * @throws FaultSpecException quoting {@code spec} and pointing at the first problem
     */
    public static FaultSpec parse(String spec) {
        if (spec.isBlank()) {
            throw new FaultSpecException(spec, 0, "empty fault specification");
        }
        List<FaultRule> rules = new ArrayList<>();
        int start = 0;
        while (true) {
            int comma = spec.indexOf(',', start);
            int end = comma < 0 ? spec.length() : comma;
            rules.add(new RuleParser(spec, start, end).parse());
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return new FaultSpec(Collections.unmodifiableList(rules));
    }

    /** Parses the rule in {@code spec[start, end)}, reporting positions in {@code spec}. */
    private static final class RuleParser {
        private final String spec;
        private final int start;
        private final int end;

        RuleParser(String spec, int start, int end) {
            this.spec = spec;
            this.start = start;
            this.end = end;
        }

        private FaultSpecException error(int position, String problem) {
            return new FaultSpecException(spec, position, problem);
        }

        FaultRule parse() {
            if (spec.substring(start, end).isBlank()) {
                throw error(start, "empty rule");
            }
            int open = spec.indexOf('(', start);
            int headEnd = open >= 0 && open < end ? open : end;
            Map<String, String> given = new LinkedHashMap<>();
            Map<String, Integer> where = new LinkedHashMap<>();
            if (headEnd < end) {
                int close = end - 1;
                while (close > headEnd && Character.isWhitespace(spec.charAt(close))) {
                    close--;
                }
                if (spec.charAt(close) != ')') {
                    throw error(close, "expected ')' to close the parameters opened at column " + (open + 1));
                }
                parseParams(open + 1, close, given, where);
            }
            int lastColon = spec.lastIndexOf(':', headEnd - 1);
            if (lastColon < start) {
                throw error(start, "expected [WHERE:]PERCENT:BEHAVIOUR");
            }
            int behaviourAt = lastColon + 1;
            String behaviourText = spec.substring(behaviourAt, headEnd).trim();
            FaultBehaviour behaviour = FaultBehaviour.named(behaviourText);
            if (behaviour == null) {
                throw error(behaviourAt, behaviourText.isEmpty() ? "missing behaviour (one of "
                        + FaultBehaviour.names() + ")"
                        : "unknown behaviour '" + behaviourText + "' (known: "
                                + FaultBehaviour.names() + ")");
            }
            int percentColon = spec.lastIndexOf(':', lastColon - 1);
            int percentAt = percentColon < start ? start : percentColon + 1;
            double percent = parsePercent(percentAt, lastColon);
            FaultRule.Direction direction = FaultRule.Direction.BOTH;
            String glob = "*";
            if (percentColon >= start) {
                String whereText = spec.substring(start, percentColon).trim();
                String lower = whereText.toLowerCase(Locale.ROOT);
                if (lower.equals("in") || lower.startsWith("in:")) {
                    direction = FaultRule.Direction.IN;
                    whereText = whereText.substring(Math.min(whereText.length(), 3));
                } else if (lower.equals("out") || lower.startsWith("out:")) {
                    direction = FaultRule.Direction.OUT;
                    whereText = whereText.substring(Math.min(whereText.length(), 4));
                }
                if (!whereText.isEmpty()) {
                    glob = whereText;
                } else if (direction == FaultRule.Direction.BOTH) {
                    throw error(start, "empty WHERE before the percentage");
                }
            }
            if (behaviour == FaultBehaviour.CORRUPT && direction == FaultRule.Direction.OUT) {
                throw error(behaviourAt, "corrupt flips bits in received bytes; it cannot apply to 'out'");
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (Map.Entry<String, String> p : behaviour.parameters().entrySet()) {
                String value = given.containsKey(p.getKey()) ? given.get(p.getKey()) : p.getValue();
                if (value == null && behaviour.required(p.getKey())) {
                    throw error(behaviourAt, behaviour.text() + " needs " + p.getKey() + "=N");
                }
                if (value != null) {
                    params.put(p.getKey(), value);
                }
            }
            long warmup = 0;
            for (Map.Entry<String, String> p : given.entrySet()) {
                int at = where.get(p.getKey());
                if (p.getKey().equals(FaultBehaviour.WARMUP)) {
                    warmup = Long.parseLong(p.getValue());
                } else if (!behaviour.parameters().containsKey(p.getKey())) {
                    throw error(at, behaviour.text() + " takes no parameter '" + p.getKey() + "' (it takes "
                            + String.join(", ", behaviour.parameters().keySet()) + ", " + FaultBehaviour.WARMUP
                            + ")");
                }
            }
            checkValues(behaviour, params, where, behaviourAt);
            return new FaultRule(text(direction, glob, percent, behaviour, params, warmup), direction, glob, percent,
                    behaviour, Collections.unmodifiableMap(params), warmup);
        }

        private double parsePercent(int from, int to) {
            String text = spec.substring(from, to).trim();
            if (text.endsWith("%")) {
                text = text.substring(0, text.length() - 1);
            }
            double percent;
            try {
                if (!text.matches("[0-9]+(\\.[0-9]+)?")) {
                    throw new NumberFormatException();
                }
                percent = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw error(from, "expected a percentage from 0 to 100, not '" + spec.substring(from, to).trim()
                        + "'");
            }
            if (percent > 100) {
                throw error(from, "percentage " + text + " is above 100");
            }
            return percent;
        }

        private void parseParams(int from, int to, Map<String, String> given, Map<String, Integer> where) {
            int at = from;
            while (at <= to) {
                int semicolon = spec.indexOf(';', at);
                int paramEnd = semicolon < 0 || semicolon > to ? to : semicolon;
                String param = spec.substring(at, paramEnd);
                int skip = param.length() - param.stripLeading().length();
                int paramAt = at + skip;
                int equals = param.indexOf('=');
                if (param.isBlank()) {
                    throw error(paramAt, "empty parameter (expected NAME=VALUE)");
                }
                if (equals < 0) {
                    throw error(paramAt, "expected NAME=VALUE, not '" + param.trim() + "'");
                }
                String name = param.substring(0, equals).trim().toLowerCase(Locale.ROOT);
                String value = param.substring(equals + 1).trim();
                int valueAt = at + equals + 1 + (param.substring(equals + 1).length()
                        - param.substring(equals + 1).stripLeading().length());
                if (given.containsKey(name)) {
                    throw error(paramAt, "parameter '" + name + "' given twice");
                }
                if (name.equals("errno")) {
                    value = value.toUpperCase(Locale.ROOT);
                    if (!FaultBehaviour.ERRNOS.contains(value)) {
                        throw error(valueAt, "unknown errno '" + param.substring(equals + 1).trim() + "' (known: "
                                + String.join(", ", FaultBehaviour.ERRNOS) + ")");
                    }
                } else if (!value.matches("[0-9]{1,18}")) {
                    throw error(valueAt, "expected a whole number of " + unit(name) + " for '" + name + "', not '"
                            + value + "'");
                }
                given.put(name, value);
                where.put(name, paramAt);
                at = paramEnd + 1;
                if (paramEnd == to) {
                    break;
                }
            }
        }

        private void checkValues(FaultBehaviour behaviour, Map<String, String> params, Map<String, Integer> where,
                int behaviourAt) {
            for (String positive : List.of("max", "rate", "bits")) {
                if (params.containsKey(positive) && Long.parseLong(params.get(positive)) == 0) {
                    throw error(where.getOrDefault(positive, behaviourAt), "'" + positive + "' must be at least 1");
                }
            }
            if (params.containsKey("bits") && Long.parseLong(params.get("bits")) > 64) {
                throw error(where.get("bits"), "'bits' must be at most 64");
            }
            if (behaviour == FaultBehaviour.DELAY
                    && Long.parseLong(params.get("jitter")) > Long.parseLong(params.get("ms"))) {
                throw error(where.getOrDefault("jitter", behaviourAt), "jitter must not exceed ms");
            }
        }

        private static String unit(String param) {
            return switch (param) {
                case "ms", "jitter" -> "milliseconds";
                case "rate" -> "bytes per second";
                case "after", "bytes", "max" -> "bytes";
                case "bits" -> "bits";
                default -> "operations";
            };
        }

        private static String text(FaultRule.Direction direction, String glob, double percent,
                FaultBehaviour behaviour, Map<String, String> params, long warmup) {
            StringBuilder text = new StringBuilder();
            if (direction != FaultRule.Direction.BOTH) {
                text.append(direction.name().toLowerCase(Locale.ROOT)).append(':');
            }
            if (!glob.equals("*")) {
                text.append(glob).append(':');
            }
            text.append(percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent))
                    .append(':').append(behaviour.text());
            List<String> shown = new ArrayList<>();
            params.forEach((k, v) -> shown.add(k + "=" + v));
            if (warmup > 0) {
                shown.add(FaultBehaviour.WARMUP + "=" + warmup);
            }
            if (!shown.isEmpty()) {
                text.append('(').append(String.join(";", shown)).append(')');
            }
            return text.toString();
        }
    }
}
