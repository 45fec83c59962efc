package io.streamreplay.dbserver.server;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tables a backup leaves out of replication, as {@code --sync-exclude-tables} and
 * {@code ovsdb-server/set-sync-exclude-tables} give them: {@code DB:TABLE} entries separated by commas or spaces.
 * Read as ovsdb-server 3.1 reads them: an entry splits at the first colon after its first character that is not a
 * colon, and an entry without one names the table {@code ""} of database {@code ENTRY}; nothing is refused.
 *
 * <p>Immutable.
 */
public final class ExcludedTables {

    /** No table excluded. */
    public static final ExcludedTables NONE = new ExcludedTables(new TreeSet<>());

    /** The entries as {@code DB:TABLE}, sorted as ovsdb-server sorts them (by their bytes). */
    private final Set<String> entries;

    private ExcludedTables(Set<String> entries) {
        this.entries = entries;
    }

    /** The tables named by {@code text} ({@code DB:TABLE[,DB:TABLE]...}); null or blank for none. */
    public static ExcludedTables parse(String text) {
        Set<String> entries = new TreeSet<>();
        if (text != null) {
            for (String entry : text.split("[ ,]+")) {
                if (entry.isEmpty()) {
                    continue;
                }
                int start = 0;
                while (start < entry.length() && entry.charAt(start) == ':') {
                    start++;
                }
                int colon = entry.indexOf(':', start);
                entries.add(colon < 0 ? entry + ":" : entry);
            }
        }
        return new ExcludedTables(entries);
    }

    /** Whether {@code table} of database {@code db} is left out. */
    public boolean contains(String db, String table) {
        return entries.contains(db + ":" + table);
    }

    /** Whether no table is left out. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The entries, sorted. */
    public Set<String> entries() {
        return Collections.unmodifiableSet(entries);
    }

    /** As {@code ovsdb-server/get-sync-exclude-tables} prints them: sorted, joined by commas. */
    @Override
    public String toString() {
        return String.join(",", entries);
    }
}
