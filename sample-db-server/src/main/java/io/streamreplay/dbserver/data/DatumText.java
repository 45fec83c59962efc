package io.streamreplay.dbserver.data;

import io.streamreplay.dbserver.schema.BaseType;
import io.streamreplay.dbserver.schema.ColumnType;
import java.util.List;

/**
 * Atoms and values in the bare text form Open vSwitch puts in error messages ({@code ovsdb_atom_to_string},
 * {@code ovsdb_datum_to_string}): {@code 42}, {@code abc}, {@code "two words"}, {@code [a, b]}, {@code {k=v}}.
 * Stateless.
 */
public final class DatumText {

    private DatumText() {
    }

    /**
     * A value of {@code type}: a set or map type is bracketed ({@code [a, b]}, {@code {k=v}}), a scalar or optional
     * scalar only when it is empty.
     */
    public static String datum(Datum datum, ColumnType type) {
        StringBuilder out = new StringBuilder();
        boolean brackets = type.max() > 1 || datum.isEmpty();
        if (brackets) {
            out.append(type.isMap() ? '{' : '[');
        }
        for (int i = 0; i < datum.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(BaseType.atomToText(datum.key(i)));
            if (datum.isMap()) {
                out.append('=').append(BaseType.atomToText(datum.value(i)));
            }
        }
        if (brackets) {
            out.append(type.isMap() ? '}' : ']');
        }
        return out.toString();
    }

    /** {@code items} joined as an English list: {@code a}, {@code a and b}, {@code a, b, and c}. */
    public static String englishList(List<String> items) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            out.append(i == 0 ? "" : i < items.size() - 1 ? ", " : items.size() > 2 ? ", and " : " and ");
            out.append(items.get(i));
        }
        return out.toString();
    }
}
