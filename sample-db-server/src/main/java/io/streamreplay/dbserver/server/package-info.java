/**
 * The OVSDB protocol over JSON-RPC sessions: the methods clients call ({@code OvsdbServer}), transactions parked on
 * a {@code wait}, locks, the {@code _Server} database, the control commands and the status published over
 * HTTP. It uses every package below the program's own.
 */
package io.streamreplay.dbserver.server;
