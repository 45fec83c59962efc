package io.streamreplay.client.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * OVSDB values in the notation {@code ovsdb-client} prints: atoms bare (strings quoted only when they would
 * otherwise be ambiguous), UUIDs bare, sets as {@code [a, b]}, maps as {@code {k=v, k2=v2}}.
 */
public final class ValueText {

    private static final Pattern BARE_STRING = Pattern.compile("[A-Za-z_][-A-Za-z0-9_.:/]*");

    private ValueText() {
    }

    /**
     * The text of a value.
     *
     * @param scalar whether the column holds exactly one atom (otherwise even one element is shown as a set)
     */
    public static String of(JsonNode value, boolean scalar) {
        if (value.isArray() && value.size() == 2 && value.get(0).isTextual()) {
            String kind = value.get(0).textValue();
            if (kind.equals("set")) {
                return set(value.get(1));
            }
            if (kind.equals("map")) {
                return map(value.get(1));
            }
            if (kind.equals("uuid") || kind.equals("named-uuid")) {
                return scalar ? value.get(1).textValue() : "[" + value.get(1).textValue() + "]";
            }
        }
        return scalar ? atom(value) : "[" + atom(value) + "]";
    }

    private static String set(JsonNode elements) {
        StringBuilder text = new StringBuilder("[");
        for (JsonNode element : elements) {
            text.append(text.length() > 1 ? ", " : "").append(of(element, true));
        }
        return text.append(']').toString();
    }

    private static String map(JsonNode pairs) {
        StringBuilder text = new StringBuilder("{");
        for (JsonNode pair : pairs) {
            text.append(text.length() > 1 ? ", " : "").append(of(pair.get(0), true)).append('=')
                    .append(of(pair.get(1), true));
        }
        return text.append('}').toString();
    }

    private static String atom(JsonNode atom) {
        if (!atom.isTextual()) {
            return atom.toString();
        }
        String text = atom.textValue();
        boolean bare = BARE_STRING.matcher(text).matches() && !text.equals("true") && !text.equals("false");
        return bare ? text : atom.toString();
    }
}
