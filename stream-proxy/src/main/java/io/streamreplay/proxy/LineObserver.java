package io.streamreplay.proxy;

/**
 * Counts the lines of a line protocol by their first word ({@code REQ 1 data} counts as {@code REQ}): the first run
 * of characters other than space, tab and carriage return, cut to {@value #MAX_WORD} characters. Blank lines are
 * not counted, nor is a last line without its newline. It holds at most one word per direction, however long the
 * lines. Loop thread only.
 */
final class LineObserver implements MessageObserver {

    /** The longest word kept; longer ones are counted by their first characters. */
    static final int MAX_WORD = 32;

    private final Meter meter;
    private final StringBuilder[] words = {new StringBuilder(), new StringBuilder()};
    private final boolean[] wordDone = new boolean[2];

    LineObserver(Meter meter) {
        this.meter = meter;
    }

    @Override
    public void observe(Direction direction, byte[] bytes, int offset, int length, long now) {
        int d = direction == Direction.UPSTREAM ? 0 : 1;
        StringBuilder word = words[d];
        for (int i = offset; i < offset + length; i++) {
            char c = (char) (bytes[i] & 0xff);
            if (c == '\n') {
                if (word.length() > 0) {
                    meter.message(direction, word.toString());
                }
                word.setLength(0);
                wordDone[d] = false;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                wordDone[d] = word.length() > 0;
            } else if (!wordDone[d] && word.length() < MAX_WORD) {
                word.append(c);
            }
        }
    }
}
