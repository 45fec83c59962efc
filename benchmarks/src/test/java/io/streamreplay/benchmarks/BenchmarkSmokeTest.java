package io.streamreplay.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Every JMH benchmark still runs: one short measurement each, in this JVM. Proves they work, measures nothing
 * (the figures come from {@code java -jar benchmarks/target/benchmarks.jar}).
 */
class BenchmarkSmokeTest {

    @Test
    void everyBenchmarkRunsAndProducesAScore() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include("io\\.streamreplay\\..*Benchmark")
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .forks(0)
                .param("payloadBytes", "64")
                .build()).run();
        // ReplayFile's write and read run once per compression, stored and zstd.
        assertEquals(7, results.size(), "benchmarks run: " + results.size());
        for (RunResult result : results) {
            assertTrue(result.getPrimaryResult().getScore() > 0, result.getParams().getBenchmark());
        }
    }
}
