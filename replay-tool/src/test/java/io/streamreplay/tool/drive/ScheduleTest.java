package io.streamreplay.tool.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When steps are due: recorded time at a pace, gaps cut short, or a fixed rate. */
class ScheduleTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void realPaceKeepsTheRecordedGapsFromTheFirstStep() {
        Schedule schedule = new Schedule(Pace.REAL, Long.MAX_VALUE, 0);
        assertEquals(0, schedule.due(5 * SECOND, false), "the drive starts with the first step");
        assertEquals(SECOND, schedule.due(6 * SECOND, true));
        assertEquals(SECOND, schedule.due(6 * SECOND, true));
        assertEquals(3 * SECOND, schedule.due(8 * SECOND, true));
        assertEquals(4 * SECOND, schedule.after(9 * SECOND), "the last replies end as recorded");
    }

    @Test
    void aFactorDividesTheGapsAndMaxRemovesThem() {
        Schedule twice = new Schedule(Pace.parse("2x"), Long.MAX_VALUE, 0);
        twice.due(0, false);
        assertEquals(5 * SECOND, twice.due(10 * SECOND, true));
        Schedule half = new Schedule(Pace.parse("0.5x"), Long.MAX_VALUE, 0);
        half.due(0, false);
        assertEquals(20 * SECOND, half.due(10 * SECOND, true));
        Schedule max = new Schedule(Pace.MAX, Long.MAX_VALUE, 0);
        max.due(0, false);
        assertEquals(0, max.due(10 * SECOND, true));
    }

    @Test
    void maxGapCutsIdleSpellsShortInDriveTime() {
        Schedule schedule = new Schedule(Pace.parse("2x"), SECOND, 0);
        schedule.due(0, false);
        assertEquals(SECOND / 2, schedule.due(SECOND, true), "a short gap is kept, at the pace");
        assertEquals(SECOND / 2 + SECOND, schedule.due(61 * SECOND, true), "a minute idle becomes one second");
    }

    @Test
    void aRateSpacesRequestsEvenlyWhateverTheRecordedTimes() {
        Schedule schedule = new Schedule(Pace.REAL, Long.MAX_VALUE, 4);
        assertEquals(0, schedule.due(0, false), "opening a connection");
        assertEquals(0, schedule.due(0, true));
        assertEquals(SECOND / 4, schedule.due(0, true));
        assertEquals(SECOND / 4, schedule.due(100 * SECOND, false), "a close follows the request before it");
        assertEquals(SECOND / 2, schedule.due(100 * SECOND, true));
    }

    @Test
    void pacesAreReadAsUsersWriteThem() {
        assertEquals(Pace.REAL, Pace.parse("real"));
        assertTrue(Pace.parse("MAX").isMax());
        assertEquals(2.0, Pace.parse("2x").factor());
        assertEquals(0.5, Pace.parse("0.5").factor());
        assertEquals("2x", Pace.parse("2x").toString());
        for (String bad : new String[] {"0x", "-1x", "fast", "infinityx", "NaNx"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pace.parse(bad), bad);
            assertTrue(e.getMessage().contains("real, max or a factor"), e.getMessage());
        }
    }
}
