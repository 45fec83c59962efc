package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@code --replay-pace} and {@code --replay-max-gap} accept, and how long a recorded gap then takes. */
class ReplayPaceTest {

    @Test
    void maxNeverSleepsRealFollowsTheRecordedTimesAndAFactorDividesThem() {
        assertFalse(ReplayPace.parse("max").paced());
        assertEquals(1_000_000_000L, ReplayPace.parse("real").realNanos(1_000_000_000L));
        assertEquals(500_000_000L, ReplayPace.parse("2x").realNanos(1_000_000_000L));
        assertEquals(2_000_000_000L, ReplayPace.parse("0.5x").realNanos(1_000_000_000L));
        assertEquals(250_000_000L, ReplayPace.parse(" 4X ").realNanos(1_000_000_000L), "case and blanks aside");
        assertEquals(ReplayPace.parse("3x"), ReplayPace.parse("3"), "the x may be left out");
    }

    @Test
    void aMaximumGapCutsLongGapsOnlyAndBeforeTheFactor() {
        ReplayPace pace = ReplayPace.parse("2x").withMaxGap(Duration.ofSeconds(1));
        assertEquals(5_000_000L, pace.realNanos(10_000_000L), "a short gap is kept, then divided");
        assertEquals(500_000_000L, pace.realNanos(60_000_000_000L), "a minute idle becomes 1 s, then 0.5 s");
    }

    @Test
    void anythingElseIsRefusedWithTheAcceptedForms() {
        for (String bad : new String[] {"fast", "0x", "-2x", "x", "", "Infinityx", "NaN"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplayPace.parse(bad),
                    bad);
            assertTrue(e.getMessage().equals("'" + bad + "' is not a pace: use max, real, or a factor such as 2x or"
                    + " 0.5x"), e.getMessage());
        }
    }
}
