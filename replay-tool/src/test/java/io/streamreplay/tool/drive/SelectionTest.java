package io.streamreplay.tool.drive;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which recorded connections are driven. */
class SelectionTest {

    @Test
    void byDefaultEveryConnectionButThoseOfAControlSocket() {
        Selection all = new Selection(List.of());
        assertTrue(all.selects("unix:/run/db.sock#3", "punix:/run/db.sock"));
        assertTrue(all.selects("tcp:127.0.0.1:40000#1", "ptcp:6640:127.0.0.1"));
        assertFalse(all.selects("unix:/run/sample-db-server.ctl#1", "punix:/run/sample-db-server.ctl"));
    }

    @Test
    void globsMatchTheStreamOrItsListenerWholeAcrossSlashes() {
        Selection tcp = new Selection(List.of("ptcp:*"));
        assertTrue(tcp.selects("tcp:127.0.0.1:40000#1", "ptcp:6640:127.0.0.1"));
        assertFalse(tcp.selects("unix:/run/db.sock#3", "punix:/run/db.sock"));
        Selection some = new Selection(List.of("unix:/run/db.sock#[13]", "*#1?"));
        assertTrue(some.selects("unix:/run/db.sock#3", "punix:/run/db.sock"));
        assertFalse(some.selects("unix:/run/db.sock#2", "punix:/run/db.sock"));
        assertTrue(some.selects("unix:/run/db.sock#12", "punix:/run/db.sock"));
        assertTrue(new Selection(List.of("*.ctl")).selects("unix:/x.ctl#1", "punix:/x.ctl"),
                "a control socket when asked for");
        assertTrue(new Selection(List.of("#[!0-2]")).selects("#5", "p"));
        assertFalse(new Selection(List.of("#[!0-2]")).selects("#1", "p"));
    }
}
