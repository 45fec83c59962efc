/**
 * The standalone database file format shared with {@code ovsdb-tool}: JSON records, loading (a bad tail kept in a side
 * file), appending (a failed write cut off again) and compaction. Uses {@code data}, {@code schema} and
 * {@code protocol}.
 */
package io.streamreplay.dbserver.storage;
