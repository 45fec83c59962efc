/**
 * The control socket: a JSON-RPC server on a Unix socket where an application registers named commands, speaking
 * the protocol of Open vSwitch's {@code unixctl} so that {@code ovs-appctl -t PATH COMMAND} works against it.
 * It is built on the same streams as everything else, so its traffic is recorded and replayed too.
 */
package io.streamreplay.control;
