package io.streamreplay.dbserver.protocol;

import io.streamreplay.jsonrpc.TreeCost;

/**
 * The heap a reply may take while it is built, counted before each part is built ({@link TreeCost} estimates), so
 * that a request whose answer would exhaust the heap (a thousand selects of a large table in one transaction) is
 * refused with RFC 7047's {@code "resources exhausted"} error instead of taking the server down. One per reply;
 * loop thread only.
 */
public final class ReplyBudget {

    private final long limit;
    private long used;

    /** @param limitBytes the most a reply may take, in bytes of heap as {@link TreeCost} estimates them */
    public ReplyBudget(long limitBytes) {
        this.limit = limitBytes;
    }

    /** A budget that never runs out, for callers with no limit to keep (tests, tools). */
    public static ReplyBudget unlimited() {
        return new ReplyBudget(Long.MAX_VALUE);
    }

    /**
     * Counts {@code bytes} more.
     *
     * @throws OvsdbException {@code "resources exhausted"} once the reply would take more than the limit
     */
    public void charge(long bytes) throws OvsdbException {
        used += bytes;
        if (used > limit) {
            throw new OvsdbException("resources exhausted", "the reply would take more than " + limit
                    + " bytes of memory, the server's limit for one reply (an eighth of its heap); ask for fewer rows"
                    + " or columns at a time");
        }
    }
}
