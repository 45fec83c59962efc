package io.streamreplay.fault;

/**
 * A fault specification that does not parse. The message quotes the specification and points at the character
 * where the problem is, so that the user sees what to change.
 */
public final class FaultSpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String spec;
    private final int position;
    private final String problem;

    /**
     * @param spec the whole specification as given
     * @param position the 0-based index in {@code spec} of the character at fault
     * @param problem what is wrong there, as a sentence without a final period
     */
    public FaultSpecException(String spec, int position, String problem) {
        super(problem + " at column " + (position + 1) + ":\n  " + spec + "\n  " + " ".repeat(Math.max(0, position))
                + "^");
        this.spec = spec;
        this.position = position;
        this.problem = problem;
    }

    /** The specification as given. */
    public String spec() {
        return spec;
    }

    /** The 0-based index of the character at fault. */
    public int position() {
        return position;
    }

    /** What is wrong, without the quotation of the specification. */
    public String problem() {
        return problem;
    }
}
