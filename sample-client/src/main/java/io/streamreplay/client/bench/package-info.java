/**
 * The engine of {@code sample-client bench}: workloads, the engine that drives them over many connections on one
 * poll loop, and the figures it measures. The program gives it what it runs with through {@code BenchRuntime}; it
 * depends on no other client package.
 */
package io.streamreplay.client.bench;
