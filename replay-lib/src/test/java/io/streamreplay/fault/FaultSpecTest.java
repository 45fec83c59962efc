package io.streamreplay.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fault specification language: every behaviour with its parameters and defaults, WHERE with globs and
 * directions, the normal form, and bad specifications refused with the position of the problem.
 */
class FaultSpecTest {

    private static FaultRule only(String spec) {
        List<FaultRule> rules = FaultSpec.parse(spec).rules();
        assertEquals(1, rules.size(), spec);
        return rules.get(0);
    }

    @Test
    void everyBehaviourParsesWithItsParametersAndDefaults() {
        assertEquals(Map.of("ms", "100", "jitter", "0"), only("5:delay").params());
        assertEquals(Map.of("ms", "250", "jitter", "50"), only("5:delay(ms=250;jitter=50)").params());
        assertEquals(Map.of("max", "8"), only("5:slice").params());
        assertEquals(Map.of("max", "3"), only("5:slice(max=3)").params());
        assertEquals(Map.of(), only("1:reset").params());
        assertEquals(Map.of("after", "4096"), only("1:reset(after=4096)").params());
        assertEquals(Map.of(), only("1:hang").params(), "a hang without ms lasts for ever");
        assertEquals(Map.of("ms", "2000"), only("1:hang(ms=2000)").params());
        assertEquals(Map.of("ms", "1000"), only("1:blackout").params());
        assertEquals(Map.of("ms", "300"), only("1:blackout(ms=300)").params());
        assertEquals(Map.of("errno", "ECONNRESET"), only("1:error").params());
        assertEquals(Map.of("errno", "ETIMEDOUT"), only("1:error(errno=etimedout)").params());
        assertEquals(Map.of("bits", "1"), only("1:corrupt").params());
        assertEquals(Map.of("bits", "3"), only("1:corrupt(bits=3)").params());
        assertEquals(Map.of("rate", "10000"), only("100:bandwidth(rate=10000)").params());
        assertEquals(Map.of("bytes", "512"), only("100:limit-data(bytes=512)").params());
        for (FaultBehaviour behaviour : FaultBehaviour.values()) {
            String required = behaviour == FaultBehaviour.BANDWIDTH ? "(rate=1;warmup=7)"
                    : behaviour == FaultBehaviour.LIMIT_DATA ? "(bytes=1;warmup=7)" : "(warmup=7)";
            FaultRule rule = only("50:" + behaviour.text() + required);
            assertEquals(behaviour, rule.behaviour());
            assertEquals(7, rule.warmup(), "every behaviour takes warmup");
            assertEquals(50.0, rule.percent());
        }
    }

    @Test
    void whereSelectsStreamsByGlobAndDirection() {
        FaultRule all = only("10:delay");
        assertEquals(FaultRule.Direction.BOTH, all.direction());
        assertTrue(all.selects("unix:/run/db.sock#1") && all.selects("tcp:127.0.0.1:6640"));

        FaultRule passive = only("ptcp:*:10:delay");
        assertTrue(passive.selects("ptcp:6640:127.0.0.1"));
        assertFalse(passive.selects("tcp:127.0.0.1:6640"));
        assertFalse(passive.selects(null));

        FaultRule port = only("ptcp:6640:10.5:slice");
        assertEquals("ptcp:6640", port.glob(), "a port in WHERE is not taken for the percentage");
        assertEquals(10.5, port.percent());

        FaultRule in = only("in:25:corrupt");
        assertEquals(FaultRule.Direction.IN, in.direction());
        assertEquals("*", in.glob());

        FaultRule out = only("out:punix:/tmp/*.sock:5%:slice(max=2)");
        assertEquals(FaultRule.Direction.OUT, out.direction());
        assertEquals(5.0, out.percent());
        assertTrue(out.selects("punix:/tmp/db.sock") && !out.selects("punix:/run/db.sock"));
        assertTrue(out.direction().covers(false) && !out.direction().covers(true));

        FaultRule question = only("tcp:127.0.0.?:*:1:reset");
        assertTrue(question.selects("tcp:127.0.0.1:5") && !question.selects("tcp:127.0.0.10:5"));
    }

    @Test
    void theNormalFormWritesEveryParameterAndParsesToTheSameRules() {
        FaultSpec spec = FaultSpec.parse("ptcp:*:10:delay(jitter=5;ms=50), in:2.5:corrupt,1:reset(after=10;warmup=3)");
        assertEquals("ptcp:*:10:delay(ms=50;jitter=5),in:2.5:corrupt(bits=1),1:reset(after=10;warmup=3)",
                spec.toString());
        assertEquals(spec.toString(), FaultSpec.parse(spec.toString()).toString());
        assertEquals(3, spec.rules().size());
    }

    @Test
    void aBadSpecificationIsRefusedWithItsTextAndTheColumnOfTheProblem() {
        assertProblem("ptcp:*:10:delya(ms=5)", 10, "unknown behaviour 'delya' (known: delay, slice, reset, hang,"
                + " blackout, error, corrupt, bandwidth, limit-data)");
        assertProblem("10:delay,ptcp:*:abc:slice", 16, "expected a percentage from 0 to 100, not 'abc'");
        assertProblem("101:reset", 0, "percentage 101 is above 100");
        assertProblem("delay", 0, "expected [WHERE:]PERCENT:BEHAVIOUR");
        assertProblem("10:", 3, "missing behaviour");
        assertProblem("10:delay(ms=5", 12, "expected ')' to close the parameters opened at column 9");
        assertProblem("10:delay(ms=5;msx=2)", 14, "delay takes no parameter 'msx' (it takes ms, jitter, warmup)");
        assertProblem("10:delay(ms=fast)", 12, "expected a whole number of milliseconds for 'ms', not 'fast'");
        assertProblem("10:delay(ms=5;ms=6)", 14, "parameter 'ms' given twice");
        assertProblem("10:delay(ms=5;;)", 14, "empty parameter");
        assertProblem("10:delay(ms)", 9, "expected NAME=VALUE, not 'ms'");
        assertProblem("10:delay(ms=5;jitter=6)", 14, "jitter must not exceed ms");
        assertProblem("10:error(errno=EAGAIN)", 15, "unknown errno 'EAGAIN'");
        assertProblem("10:bandwidth", 3, "bandwidth needs rate=N");
        assertProblem("10:limit-data", 3, "limit-data needs bytes=N");
        assertProblem("10:bandwidth(rate=0)", 13, "'rate' must be at least 1");
        assertProblem("10:corrupt(bits=65)", 11, "'bits' must be at most 64");
        assertProblem("out:10:corrupt", 7, "corrupt flips bits in received bytes; it cannot apply to 'out'");
        assertProblem("10:delay,,1:reset", 9, "empty rule");
        assertProblem("", 0, "empty fault specification");
        assertProblem(":10:delay", 0, "empty WHERE before the percentage");
    }

    private static void assertProblem(String spec, int column, String problem) {
        FaultSpecException e = assertThrows(FaultSpecException.class, () -> FaultSpec.parse(spec), spec);
        assertTrue(e.problem().startsWith(problem), spec + ": " + e.problem());
        assertEquals(column, e.position(), spec + ": " + e.getMessage());
        assertEquals(e.problem() + " at column " + (column + 1) + ":\n  " + spec + "\n  " + " ".repeat(column)
                + "^", e.getMessage());
    }
}
