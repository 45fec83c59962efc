/**
 * One client's monitor of a database and its {@code update}, {@code update2} and {@code update3} encodings, as
 * RFC 7047 §4.1.5 and Open vSwitch's extensions define them. Uses {@code txn} for conditions.
 */
package io.streamreplay.dbserver.monitor;
