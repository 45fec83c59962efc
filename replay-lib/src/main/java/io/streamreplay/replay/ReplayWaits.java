package io.streamreplay.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the application waits for in the current loop iteration of a {@link Replay}: an operation on a recorded
 * stream's cursor each. Noting a wait is cheap; the text is built only when the replay stalls, for the divergence
 * message that says what the application waited for.
 *
 * <p>Loop thread only, as the replay.
 */
final class ReplayWaits {

    /** Something the application waits for in this iteration. */
    private record Waiting(String operation, ReplayCursor cursor) {
    }

    private final List<Waiting> waiting = new ArrayList<>();

    /** Notes that the application waits for {@code operation} ({@code recv}, {@code accept}...) on the stream. */
    void add(String operation, ReplayCursor cursor) {
        waiting.add(new Waiting(operation, cursor));
    }

    /** Forgets the waits: a new loop iteration starts. */
    void clear() {
        waiting.clear();
    }

    /** The waits, as a divergence message says them. */
    String describe() {
        return waiting.isEmpty() ? "nothing the recording can deliver"
                : waiting.stream().map(w -> w.operation() + " on " + w.cursor().describe())
                        .collect(Collectors.joining(", "));
    }
}
