package io.streamreplay.dbserver.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * JSON text as Open vSwitch's {@code json_to_string(json, JSSF_SORT)} writes it, for the {@code syntax} member of
 * errors, which clients see as a string: object members sorted by name, control characters escaped as Open vSwitch
 * escapes them, and real numbers as C's {@code %.15g}. Stateless.
 */
public final class JsonText {

    private static final MathContext FIFTEEN_DIGITS = new MathContext(15, RoundingMode.HALF_EVEN);

    private JsonText() {
    }

    /** {@code json} as sorted, compact text. */
    public static String sorted(JsonNode json) {
        StringBuilder out = new StringBuilder();
        write(json, out);
        return out.toString();
    }

    private static void write(JsonNode json, StringBuilder out) {
        switch (json.getNodeType()) {
            case OBJECT -> {
                List<String> names = new ArrayList<>();
                for (Iterator<String> it = json.fieldNames(); it.hasNext();) {
                    names.add(it.next());
                }
                // strcmp on UTF-8 is code point order, which String.compareTo is not beyond the BMP.
                names.sort((a, b) -> compareCodePoints(a, b));
                out.append('{');
                for (int i = 0; i < names.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(names.get(i), out);
                    out.append(':');
                    write(json.get(names.get(i)), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < json.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(json.get(i), out);
                }
                out.append(']');
            }
            case STRING -> string(json.textValue(), out);
            case NUMBER -> {
                if (json.isIntegralNumber() && json.canConvertToLong()) {
                    out.append(json.longValue());
                } else {
                    out.append(real(json.doubleValue()));
                }
            }
            default -> out.append(json.toString());
        }
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** {@code text} as a JSON string: {@code "} and {@code \} escaped, and control characters as in Open vSwitch. */
    public static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * {@code value} as C's {@code printf("%.15g")} writes it, which is how Open vSwitch writes real numbers in JSON
     * and in error texts: 15 significant digits, no trailing zeros, an exponent of at least two digits.
     */
    public static String real(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0" : "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(FIFTEEN_DIGITS);
        int exponent = rounded.precision() - rounded.scale() - 1;
        String sign = value < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 15) {
            String digits = stripZeros(rounded.unscaledValue().abs().toString());
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            int magnitude = Math.abs(exponent);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + magnitude;
        }
        String plain = rounded.abs().setScale(Math.max(0, 14 - exponent), RoundingMode.HALF_EVEN).toPlainString();
        if (plain.indexOf('.') >= 0) {
            plain = stripZeros(plain);
            if (plain.endsWith(".")) {
                plain = plain.substring(0, plain.length() - 1);
            }
        }
        return sign + plain;
    }

    private static String stripZeros(String digits) {
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return digits.substring(0, end);
    }
}
