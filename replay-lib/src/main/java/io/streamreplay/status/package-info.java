/**
 * An application's status over HTTP ({@code --http=[IP:]PORT}): {@code /metrics} for Prometheus, {@code /stats} as
 * JSON and {@code /health}. It runs on threads of its own, reads only what the application publishes for it, and
 * is neither recorded nor replayed: a scrape cannot change what the application does.
 */
package io.streamreplay.status;
