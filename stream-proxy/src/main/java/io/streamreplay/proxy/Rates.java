package io.streamreplay.proxy;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Rates of a set of counters over the last 1, 10 and 60 seconds, from a sample of each counter taken once a second
 * on the poll loop's clock ({@link #sample}). A window not yet covered by samples is computed over the time the
 * samples do cover.
 *
 * <p>{@link #sample} runs on the loop thread; {@link #perSecond} may be called from any thread and sees the rates
 * as of the last sample.
 */
final class Rates {

    /** The windows, in seconds. */
    static final int[] WINDOWS = {1, 10, 60};

    private final LongSupplier[] counters;
    /** Ring of samples: [slot][counter], with the sample's time in {@link #times}. */
    private final long[][] values;
    private final long[] times;
    private int samples;
    private int last = -1;
    /** [window][counter], per second; replaced whole at each sample. */
    private volatile double[][] rates;

    Rates(LongSupplier... counters) {
        this.counters = counters.clone();
        this.values = new long[WINDOWS[WINDOWS.length - 1] + 1][counters.length];
        this.times = new long[values.length];
        this.rates = new double[WINDOWS.length][counters.length];
    }

    /** Takes a sample at {@code nanoTime} (the loop's clock) and recomputes the rates. */
    void sample(long nanoTime) {
        last = (last + 1) % values.length;
        for (int i = 0; i < counters.length; i++) {
            values[last][i] = counters[i].getAsLong();
        }
        times[last] = nanoTime;
        samples = Math.min(samples + 1, values.length);
        double[][] computed = new double[WINDOWS.length][counters.length];
        for (int w = 0; w < WINDOWS.length; w++) {
            int back = Math.min(WINDOWS[w], samples - 1);
            if (back == 0) {
                continue;
            }
            int from = Math.floorMod(last - back, values.length);
            double seconds = (double) (times[last] - times[from]) / TimeUnit.SECONDS.toNanos(1);
            if (seconds <= 0) {
                continue;
            }
            for (int i = 0; i < counters.length; i++) {
                computed[w][i] = (values[last][i] - values[from][i]) / seconds;
            }
        }
        rates = computed;
    }

    /** The rate of counter {@code counter} over window {@code window} (an index into {@link #WINDOWS}), per s. */
    double perSecond(int window, int counter) {
        return rates[window][counter];
    }
}
