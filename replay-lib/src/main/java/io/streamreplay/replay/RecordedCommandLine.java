package io.streamreplay.replay;

import java.lang.reflect.AnnotatedElement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A recorded command line read with the program's own Picocli model, so that a replay can run it with the options
 * given now in place of the recorded ones ({@link #merge}) and name the first difference that matters
 * ({@link #firstDifference}): options are compared by value, whatever their spelling or order, and options marked
 * {@link ReplayNeutral}, as well as the {@code --replay...} options themselves, never count as a difference.
 *
 * <p>Only the top command's options and positional parameters are considered; a program with subcommands compares
 * by text. Stateless.
 */
final class RecordedCommandLine {

    private static final Logger log = LoggerFactory.getLogger(Replay.class);

    private RecordedCommandLine() {
    }

    /**
     * The command line a replay runs: the positional parameters given now, or the recorded ones if none is given;
     * then every recorded option not given now; then every option given now. Options are written
     * {@code --NAME=VALUE}, one per value, boolean ones as {@code --NAME}.
     *
     * @param parser makes a fresh command line of the program for each parse
     * @throws CommandLine.ParameterException if either command line does not parse with this program
     */
    static List<String> merge(Supplier<CommandLine> parser, List<String> recorded, List<String> given) {
        ParseResult before = parser.get().parseArgs(recorded.toArray(new String[0]));
        ParseResult now = parser.get().parseArgs(given.toArray(new String[0]));
        List<String> merged = new ArrayList<>(positionals(now).isEmpty() ? positionals(before) : positionals(now));
        Map<String, List<String>> options = options(before, true);
        Map<String, List<String>> overrides = options(now, false);
        options.keySet().removeAll(overrides.keySet());
        options.putAll(overrides);
        options.values().forEach(merged::addAll);
        return merged;
    }

    /**
     * The first difference between the two command lines that may change what the program does, as text for a
     * warning, or null if there is none.
     *
     * @throws CommandLine.ParameterException if either command line does not parse with this program
     */
    static String firstDifference(Supplier<CommandLine> parser, List<String> recorded, List<String> now) {
        ParseResult before = parser.get().parseArgs(recorded.toArray(new String[0]));
        ParseResult after = parser.get().parseArgs(now.toArray(new String[0]));
        if (!countedPositionals(before).equals(countedPositionals(after))) {
            return "in its arguments: recorded " + quoted(countedPositionals(before)) + ", now "
                    + quoted(countedPositionals(after));
        }
        Map<String, List<String>> was = values(before);
        Map<String, List<String>> is = values(after);
        for (String name : union(was, is)) {
            if (!Objects.equals(was.get(name), is.get(name))) {
                return "in " + name + ": recorded " + quoted(was.get(name)) + ", now " + quoted(is.get(name));
            }
        }
        return null;
    }

    private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
        List<String> names = new ArrayList<>(a.keySet());
        b.keySet().stream().filter(name -> !a.containsKey(name)).forEach(names::add);
        return names;
    }

    private static String quoted(List<String> values) {
        if (values == null || values.isEmpty()) {
            return "nothing";
        }
        return "'" + String.join(" ", values) + "'";
    }

    /**
     * The positional parameters given. Picocli lists a positional parameter once per value it matched, each time
     * with all its values, so each is taken once.
     */
    private static List<String> positionals(ParseResult result) {
        List<String> values = new ArrayList<>();
        result.matchedPositionals().stream().distinct().forEach(p -> values.addAll(p.originalStringValues()));
        return values;
    }

    /** The positional parameters that count for a replay. */
    private static List<String> countedPositionals(ParseResult result) {
        List<String> values = new ArrayList<>();
        result.matchedPositionals().stream().distinct().filter(p -> !isNeutral(p))
                .forEach(p -> values.addAll(p.originalStringValues()));
        return values;
    }

    /** The values of every option that counts for a replay, by longest name. */
    private static Map<String, List<String>> values(ParseResult result) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (OptionSpec option : result.matchedOptions()) {
            if (!isReplayOption(option) && !isNeutral(option)) {
                values.put(option.longestName(), option.arity().max() == 0 ? List.of("(set)")
                        : List.copyOf(option.originalStringValues()));
            }
        }
        return values;
    }

    /** Every matched option as arguments, by longest name; the recorded run's replay options are left out. */
    private static Map<String, List<String>> options(ParseResult result, boolean recorded) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (OptionSpec option : result.matchedOptions()) {
            if (recorded && isReplayOption(option)) {
                continue;
            }
            List<String> args = new ArrayList<>();
            if (option.arity().max() == 0 || option.originalStringValues().isEmpty()) {
                args.add(option.longestName());
            } else {
                option.originalStringValues().forEach(value -> args.add(option.longestName() + "=" + value));
            }
            options.put(option.longestName(), args);
        }
        return options;
    }

    private static boolean isReplayOption(OptionSpec option) {
        return option.longestName().startsWith("--replay");
    }

    private static boolean isNeutral(ArgSpec option) {
        return option.userObject() instanceof AnnotatedElement
                && ((AnnotatedElement) option.userObject()).isAnnotationPresent(ReplayNeutral.class);
    }

    /**
     * Warns, naming the first difference, if the command line differs from the recorded one other than in the
     * {@code --replay...} options. Only a warning: a different log option changes nothing a replay checks, while a
     * different remote or database makes the replay diverge, with its own precise error.
     */
    static void warnIfDiffers(Path dir, List<String> recorded, List<String> now) {
        List<String> before = withoutReplayOptions(recorded);
        List<String> after = withoutReplayOptions(now);
        if (before.equals(after)) {
            return;
        }
        int i = 0;
        while (i < before.size() && i < after.size() && before.get(i).equals(after.get(i))) {
            i++;
        }
        log.warn("{}: the command line differs from the recorded one at argument {}: recorded {}, now {}; the replay"
                + " diverges if that changes what the program does (recorded command line: {})", dir, i + 1,
                i < before.size() ? "'" + before.get(i) + "'" : "nothing", i < after.size() ? "'" + after.get(i) + "'"
                        : "nothing",
                String.join(" ", recorded));
    }

    private static List<String> withoutReplayOptions(List<String> arguments) {
        return arguments.stream().filter(a -> !a.startsWith("--replay")).collect(Collectors.toList());
    }
}
