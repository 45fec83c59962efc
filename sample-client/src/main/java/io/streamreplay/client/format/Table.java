package io.streamreplay.client.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A table to print: an optional caption, headings, and rows of cells. Each cell keeps both its text (for
 * {@code table}, {@code list} and {@code csv}) and its JSON (for {@code json}).
 *
 * <p>Not thread-safe.
 */
public final class Table {

    /** One cell. */
    public record Cell(String text, JsonNode json) {

        /** A cell holding plain text. */
        public static Cell text(String text) {
            return new Cell(text, TextNode.valueOf(text));
        }

        /** A cell holding an OVSDB value, shown in {@link ValueText}'s notation. */
        public static Cell value(JsonNode json, boolean scalar) {
            return new Cell(ValueText.of(json, scalar), json);
        }
    }

    private final String caption;
    private final List<String> headings;
    private final List<List<Cell>> rows = new ArrayList<>();

    public Table(String caption, List<String> headings) {
        this.caption = caption;
        this.headings = List.copyOf(headings);
    }

    /** Adds a row; it must have one cell per heading. */
    public void add(List<Cell> row) {
        if (row.size() != headings.size()) {
            throw new IllegalArgumentException("a row of " + row.size() + " cells under " + headings.size()
                    + " headings");
        }
        rows.add(List.copyOf(row));
    }

    /** The caption, or null. */
    public String caption() {
        return caption;
    }

    public List<String> headings() {
        return headings;
    }

    public List<List<Cell>> rows() {
        return rows;
    }
}
