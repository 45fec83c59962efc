package io.streamreplay.tool.drive;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What to drive and how: the options of {@code replay-tool drive}, checked. Immutable.
 *
 * @param recording the recording directory
 * @param target the live server, as a stream name ({@code tcp:}, {@code ssl:}, {@code unix:}); null for a dry run
 * @param pace how fast recorded time passes
 * @param rate requests per second at a fixed rate, instead of the recorded times; 0 for none
 * @param maxGapNanos the longest wait between two steps, in drive nanoseconds; {@link Long#MAX_VALUE} for none
 * @param limitRequests stop after this many requests; {@link Long#MAX_VALUE} for none
 * @param limitNanos stop after this much drive time, in nanoseconds; {@link Long#MAX_VALUE} for none
 * @param streams globs selecting the recorded connections; empty for all but control connections
 * @param loops how many times the workload is driven, one after the other
 * @param protocol how the clients' bytes are framed
 * @param compare what of each reply is compared
 * @param normalize whether UUIDs, volatile members and ids are normalised before comparing
 * @param volatileFields member names whose values are not compared
 * @param replyTimeoutNanos how long a reply is waited for before the connection is given up, in nanoseconds
 * @param causal whether a step also waits for the replies the recorded server had delivered to other clients
 *     before it, not only to its own
 */
public record DriveOptions(Path recording, String target, Pace pace, double rate, long maxGapNanos,
        long limitRequests, long limitNanos, List<String> streams, int loops, Protocol protocol, Compare compare,
        boolean normalize, Set<String> volatileFields, long replyTimeoutNanos, boolean causal) {

    /** How the clients' bytes are framed into steps. */
    public enum Protocol {
        /** JSON-RPC if every client connection's bytes are, raw otherwise. */
        AUTO,
        /** JSON-RPC messages: requests matched to replies by id, echo requests answered, UUIDs mapped. */
        JSONRPC,
        /** Raw bytes, in the chunks the recorded server received them, in the recorded alternation. */
        RAW
    }

    /** What of each reply is compared with the recorded one. */
    public enum Compare {
        /** The content when the recording has it, else length and CRC-32C. */
        FULL,
        /** The length only. */
        LENGTH,
        /** Nothing: replies are only waited for and timed. */
        NONE
    }

    public DriveOptions {
        streams = List.copyOf(streams);
        volatileFields = Set.copyOf(volatileFields);
    }
}
