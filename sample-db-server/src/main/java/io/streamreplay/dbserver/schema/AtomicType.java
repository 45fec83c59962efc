package io.streamreplay.dbserver.schema;

import java.util.UUID;

/**
 * The five OVSDB atomic types and how their Java values ({@link Long}, {@link Double}, {@link Boolean},
 * {@link String}, {@link UUID}) compare and default.
 */
public enum AtomicType {
    INTEGER("integer", 0L),
    REAL("real", 0.0),
    BOOLEAN("boolean", false),
    STRING("string", ""),
    UUID("uuid", new java.util.UUID(0, 0));

    private final String jsonName;
    // Every default atom is an immutable value: Long, Double, Boolean, String or UUID.
    @SuppressWarnings("ImmutableEnumChecker")
    private final Object defaultAtom;

    AtomicType(String jsonName, Object defaultAtom) {
        this.jsonName = jsonName;
        this.defaultAtom = defaultAtom;
    }

    /** The name used in schemas, such as {@code "integer"}. */
    public String jsonName() {
        return jsonName;
    }

    /** {@code 0}, {@code 0.0}, {@code false}, {@code ""} or the all-zero UUID. */
    public Object defaultAtom() {
        return defaultAtom;
    }

    /** The type named {@code name}, or null. */
    public static AtomicType named(String name) {
        for (AtomicType type : values()) {
            if (type.jsonName.equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** Orders two atoms of one type. */
    @SuppressWarnings("unchecked")
    public static int compare(Object a, Object b) {
        if (a instanceof java.util.UUID x) {
            java.util.UUID y = (java.util.UUID) b;
            int c = Long.compareUnsigned(x.getMostSignificantBits(), y.getMostSignificantBits());
            return c != 0 ? c : Long.compareUnsigned(x.getLeastSignificantBits(), y.getLeastSignificantBits());
        }
        if (a instanceof String x) {
            return compareStrings(x, (String) b);
        }
        return ((Comparable<Object>) a).compareTo(b);
    }

    /**
     * Strings in code point order, which is the byte order of their UTF-8 that Open vSwitch sorts by; it differs
     * from {@link String#compareTo} only where a character beyond the BMP meets one from U+E000 up.
     */
    private static int compareStrings(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= Character.MIN_SURROGATE && y >= Character.MIN_SURROGATE
                        && Character.isSurrogate(x) != Character.isSurrogate(y)) {
                    return Character.isSurrogate(x) ? 1 : -1;
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }
}
