package io.streamreplay.client.format;

/** How tables are printed. */
public enum Format {
    /** Aligned columns under headings and dashes, as {@code ovsdb-client} prints them. */
    table,
    /** One {@code heading : value} line per cell, a blank line between rows. */
    list,
    /** Comma-separated values with RFC 4180 quoting. */
    csv,
    /** {@code {"caption":...,"headings":[...],"data":[[...]]}} with the cells as OVSDB JSON. */
    json
}
