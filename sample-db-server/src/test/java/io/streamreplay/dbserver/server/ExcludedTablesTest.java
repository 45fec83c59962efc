package io.streamreplay.dbserver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --sync-exclude-tables} read and printed as ovsdb-server 3.1 reads and prints it. */
class ExcludedTablesTest {

    @Test
    void entriesAreSeparatedByCommasOrSpacesAndPrintedSortedWithoutDuplicates() {
        ExcludedTables excluded = ExcludedTables.parse("kvdb:scratch, kvdb:b  kvdb:scratch,,lab:t");
        assertEquals("kvdb:b,kvdb:scratch,lab:t", excluded.toString());
        assertTrue(excluded.contains("kvdb", "scratch"));
        assertTrue(excluded.contains("lab", "t"));
        assertFalse(excluded.contains("kvdb", "kv"));
        assertFalse(excluded.contains("lab", "scratch"));
    }

    @Test
    void anEntryWithoutATableNamesTheEmptyTableAsOvsdbServerReadsIt() {
        // As ovs-appctl ovsdb-server/get-sync-exclude-tables prints them after ovsdb-server 3.1 read them.
        assertEquals("kvdb:", ExcludedTables.parse("kvdb").toString());
        assertEquals(":t:", ExcludedTables.parse(":t").toString());
        assertEquals("a:b:c", ExcludedTables.parse("a:b:c").toString());
        assertTrue(ExcludedTables.parse("a:b:c").contains("a", "b:c"));
    }

    @Test
    void leadingColonsBelongToTheDatabaseNameAsOvsdbServerReadsThem() {
        // ovsdb-server 3.1 splits an entry with strtok_r at its first colon after any leading ones, but keeps the
        // database name from the entry's start: "::db:t" is table "t" of database "::db", printed back as written
        // (ovs-appctl ovsdb-server/get-sync-exclude-tables prints "::db:t"), and never excludes a table of "db".
        ExcludedTables excluded = ExcludedTables.parse("::db:t");
        assertEquals("::db:t", excluded.toString());
        assertTrue(excluded.contains("::db", "t"));
        assertFalse(excluded.contains("db", "t"));
        assertFalse(excluded.contains("", "db:t"));
        // Colons after the first split belong to the table's name.
        assertTrue(ExcludedTables.parse("db::t").contains("db", ":t"));
        assertEquals("::", ExcludedTables.parse(":").toString());
    }

    @Test
    void nothingOrBlankExcludesNothing() {
        assertTrue(ExcludedTables.parse(null).isEmpty());
        assertTrue(ExcludedTables.parse(" , ").isEmpty());
        assertEquals("", ExcludedTables.NONE.toString());
    }
}
