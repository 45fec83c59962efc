/**
 * JSON-RPC 1.0 as OVSDB speaks it (RFC 7047 §4): JSON texts back to back on a {@link io.streamreplay.stream.Stream}
 * with no delimiter, parsed incrementally.
 *
 * <p>Layers, each knowing only the one below: {@link io.streamreplay.jsonrpc.MessageParser} (bytes to JSON values),
 * {@link io.streamreplay.jsonrpc.Message} (validated message shapes), {@link io.streamreplay.jsonrpc.JsonRpcConnection}
 * (one stream, a bounded send backlog), {@link io.streamreplay.jsonrpc.JsonRpcSession} (reconnection and inactivity
 * probes), {@link io.streamreplay.jsonrpc.JsonRpcServer} (listeners and their sessions).
 */
package io.streamreplay.jsonrpc;
