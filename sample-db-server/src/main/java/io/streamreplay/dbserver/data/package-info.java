/**
 * The contents of a database: immutable {@code Datum}s and {@code Row}s, a {@code Table} with a hash map per unique
 * index and strong reference counts, the {@code Database} with the rows holding weak references, and where new UUIDs
 * come from. Uses {@code schema} and {@code protocol}.
 */
package io.streamreplay.dbserver.data;
