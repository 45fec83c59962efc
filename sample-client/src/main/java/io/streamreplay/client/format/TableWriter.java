package io.streamreplay.client.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.jsonrpc.Json;
import java.io.PrintWriter;
import java.util.List;

/**
 * Prints {@link Table}s and JSON in the chosen {@link Format}, with or without headings, compact or indented.
 *
 * <p>Not thread-safe.
 */
public final class TableWriter {

    private final PrintWriter out;
    private final Format format;
    private final boolean headings;
    private final boolean pretty;

    public TableWriter(PrintWriter out, Format format, boolean headings, boolean pretty) {
        this.out = out;
        this.format = format;
        this.headings = headings;
        this.pretty = pretty;
    }

    /** Prints JSON (compact, or indented with {@code --pretty}). */
    public void json(JsonNode json) {
        out.println(pretty ? json.toPrettyString() : Json.toText(json));
        out.flush();
    }

    /** Prints a line of text. */
    public void line(String text) {
        out.println(text);
        out.flush();
    }

    /** Prints {@code table}. */
    public void table(Table table) {
        switch (format) {
            case table -> aligned(table);
            case list -> list(table);
            case csv -> csv(table);
            case json -> json(table);
        }
        out.flush();
    }

    private void aligned(Table table) {
        if (table.caption() != null) {
            out.println(table.caption());
        }
        List<String> heads = table.headings();
        int[] widths = new int[heads.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headings ? heads.get(i).length() : 0;
            for (List<Table.Cell> row : table.rows()) {
                widths[i] = Math.max(widths[i], row.get(i).text().length());
            }
        }
        if (headings) {
            StringBuilder names = new StringBuilder();
            StringBuilder dashes = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                pad(names, heads.get(i), widths[i], i);
                pad(dashes, "-".repeat(widths[i]), widths[i], i);
            }
            out.println(names.toString().stripTrailing());
            out.println(dashes.toString().stripTrailing());
        }
        for (List<Table.Cell> row : table.rows()) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                pad(line, row.get(i).text(), widths[i], i);
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static void pad(StringBuilder line, String text, int width, int column) {
        if (column > 0) {
            line.append(' ');
        }
        line.append(text).append(" ".repeat(width - text.length()));
    }

    private void list(Table table) {
        if (table.caption() != null) {
            out.println(table.caption());
        }
        int width = table.headings().stream().mapToInt(String::length).max().orElse(0);
        boolean first = true;
        for (List<Table.Cell> row : table.rows()) {
            if (!first) {
                out.println();
            }
            first = false;
            for (int i = 0; i < row.size(); i++) {
                String value = row.get(i).text();
                out.println(headings ? String.format("%-" + width + "s: %s", table.headings().get(i), value)
                        .stripTrailing() : value);
            }
        }
    }

    private void csv(Table table) {
        if (headings) {
            out.println(csvLine(table.headings()));
        }
        for (List<Table.Cell> row : table.rows()) {
            out.println(csvLine(row.stream().map(Table.Cell::text).toList()));
        }
    }

    private static String csvLine(List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (String field : fields) {
            if (line.length() > 0) {
                line.append(',');
            }
            boolean quote = field.contains(",") || field.contains("\"") || field.contains("\n")
                    || field.contains("\r");
            line.append(quote ? "\"" + field.replace("\"", "\"\"") + "\"" : field);
        }
        return line.toString();
    }

    private void json(Table table) {
        ObjectNode json = Json.NODES.objectNode();
        if (table.caption() != null) {
            json.put("caption", table.caption());
        }
        if (headings) {
            ArrayNode heads = json.putArray("headings");
            table.headings().forEach(heads::add);
        }
        ArrayNode data = json.putArray("data");
        for (List<Table.Cell> row : table.rows()) {
            ArrayNode cells = data.addArray();
            row.forEach(cell -> cells.add(cell.json()));
        }
        json(json);
    }
}
