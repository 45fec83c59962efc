package io.streamreplay.jsonrpc;

/**
 * Estimates, in bytes of heap, of a JSON tree of Jackson nodes: what a parsed message or a reply being built takes,
 * as opposed to its size as text, which can be ten times smaller ({@code {}} is two bytes of text and about eighty of
 * heap). The figures are those of a 64-bit JVM with compressed references; they are a fixed formula, not a
 * measurement, so that a recorded run and its replay reach a limit at the same point. Stateless.
 */
public final class TreeCost {

    /** An object node and its (initially empty) hash map. */
    public static final long OBJECT = 72;
    /** One member of an object: a map entry and its share of the table (names are shared, not counted). */
    public static final long MEMBER = 48;
    /** An array node and its list. */
    public static final long ARRAY = 56;
    /** One element of an array: its slot, with room to grow. */
    public static final long ELEMENT = 8;
    /** A number node. */
    public static final long NUMBER = 24;
    /** A text node and its string, without the characters. */
    public static final long TEXT = 56;

    private TreeCost() {
    }

    /** A text node holding {@code length} characters. */
    public static long text(int length) {
        return TEXT + length;
    }
}
