/**
 * The vocabulary every layer of the OVSDB server shares: its error ({@code OvsdbException}, the {@code <error>} of
 * RFC 7047 §3.1), strict reading of a JSON object's members with Open vSwitch's wording ({@code MemberParser}), the
 * conventions of Open vSwitch that replies copy (JSON text with sorted members, the iteration order of its string
 * hash table), and the heap budget of one reply.
 *
 * <p>A leaf: it depends on no other package of the server, so that schemas, data, transactions, monitors, storage
 * and the protocol handler can all use it.
 */
package io.streamreplay.dbserver.protocol;
