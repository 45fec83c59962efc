package io.streamreplay.control;

import io.streamreplay.fault.FaultSpec;
import io.streamreplay.fault.FaultSpecException;
import io.streamreplay.fault.StreamFaults;
import java.util.List;

/**
 * The control commands over a process's {@link StreamFaults}: {@code stream-faults/set SPEC} (replaces the faults
 * in force, replying with them), {@code stream-faults/list} and {@code stream-faults/clear}. A bad SPEC is an error
 * reply that quotes it and points at the problem, and changes nothing. Stateless.
 */
final class StreamFaultCommands {

    private StreamFaultCommands() {
    }

    static List<ControlCommand> all(StreamFaults faults) {
        return List.of(new ControlCommand("stream-faults/set", "SPEC", 1, 1, args -> set(faults, args.get(0))),
                new ControlCommand("stream-faults/list", "", 0, 0, args -> ControlReply.ok(faults.describe())),
                new ControlCommand("stream-faults/clear", "", 0, 0, args -> {
                    faults.clear();
                    return ControlReply.ok(faults.describe());
                }));
    }

    private static ControlReply set(StreamFaults faults, String spec) {
        try {
            faults.set(FaultSpec.parse(spec));
        } catch (FaultSpecException e) {
            return ControlReply.error(e.getMessage());
        }
        return ControlReply.ok(faults.describe());
    }
}
