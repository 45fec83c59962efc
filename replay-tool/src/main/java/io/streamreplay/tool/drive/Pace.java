package io.streamreplay.tool.drive;

import java.util.Locale;

/**
 * How fast recorded time passes in a drive: {@code real} (as recorded), a factor ({@code 2x} twice as fast,
 * {@code 0.5x} half as fast) or {@code max} (no waiting at all). Immutable.
 *
 * @param factor recorded seconds per drive second; {@link Double#POSITIVE_INFINITY} for {@code max}
 */
public record Pace(double factor) {

    /** As recorded. */
    public static final Pace REAL = new Pace(1);
    /** As fast as the target answers. */
    public static final Pace MAX = new Pace(Double.POSITIVE_INFINITY);

    /**
     * Reads {@code real}, {@code max}, {@code 2x}, {@code 0.5x} or a bare factor {@code 2}.
     *
     * @throws IllegalArgumentException for anything else, or a factor that is not positive and finite
     */
    public static Pace parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("real")) {
            return REAL;
        }
        if (value.equals("max")) {
            return MAX;
        }
        String number = value.endsWith("x") ? value.substring(0, value.length() - 1) : value;
        double factor;
        try {
            factor = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            factor = Double.NaN;
        }
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("'" + text + "' is not a pace: give real, max or a factor such as 2x"
                    + " or 0.5x");
        }
        return new Pace(factor);
    }

    /** Whether nothing is waited for. */
    public boolean isMax() {
        return Double.isInfinite(factor);
    }

    /** {@code real}, {@code max} or the factor, as {@code 2x}. */
    @Override
    public String toString() {
        if (isMax()) {
            return "max";
        }
        return factor == 1 ? "real" : Format.number(factor) + "x";
    }
}
