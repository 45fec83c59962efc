package io.streamreplay.proxy;

import java.util.Locale;

/** Which way bytes flow through the proxy: from the client to the upstream, or back. */
enum Direction {
    /** From the client to the upstream server: requests. */
    UPSTREAM,
    /** From the upstream server to the client: replies. */
    DOWNSTREAM;

    /** The name in statistics and metric labels: {@code upstream}, {@code downstream}. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
