/**
 * {@code stream-proxy}: a forwarding proxy built on the library, so that the traffic of a server that is not built
 * on it can be recorded (both directions of every connection, in one global order), observed (counters, rates,
 * JSON-RPC latency, over the control socket, SIGUSR2 and HTTP) and replayed.
 *
 * <p>Layers: {@link io.streamreplay.proxy.StreamProxy} wires the options to a {@link io.streamreplay.proxy.Forwarder}
 * (listeners, upstream connections), each {@link io.streamreplay.proxy.ProxyConnection} moves bytes through two
 * bounded {@link io.streamreplay.proxy.Pump}s, and {@link io.streamreplay.proxy.ProxyStats} counts what they move.
 * Everything runs on one poll loop; only the statistics are read from other threads.
 */
package io.streamreplay.proxy;
