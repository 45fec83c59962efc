package io.streamreplay.dbserver.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.Datum;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.RowChange;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.data.UuidSource;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.BaseType;
import io.streamreplay.dbserver.schema.ColumnSchema;
import io.streamreplay.dbserver.schema.ColumnType;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.jsonrpc.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database stored in Open vSwitch's standalone format, so that {@code ovsdb-tool} reads what this server writes
 * and the other way round: record 0 is the schema, every later record one committed transaction
 * ({@code {"TABLE":{"UUID":null|{changed columns}},"_date":MS,"_comment":TEXT,"_is_diff":true}}).
 *
 * <p>Opening loads every record. A bad last record (what a crash during a write leaves), or a last record that reads
 * well but cannot be applied (Open vSwitch logs and discards it too), is discarded with a warning: cut off the
 * file, but kept in a side file {@code NAME.discarded-N} that the warning names, so that nothing is lost silently.
 * A bad record followed by more data is damage, and opening fails naming the offset. A write that fails (a full
 * disk) is cut off again, so that the file always ends with its last good record. While open, the file is locked
 * ({@code .NAME.~lock~} beside it, opened without following symbolic links) against a second server.
 * {@link #compact} rewrites the file as the schema plus one snapshot record, atomically; {@link #shouldCompact}
 * says when to, by Open vSwitch's rule (10 minutes, 100 records, 10 MiB and twice the size after the last one).
 *
 * <p>Loop thread only.
 */
public final class DatabaseFile implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseFile.class);

    /** Automatic compaction: at least this long must have passed since the last snapshot (or the start)... */
    public static final long COMPACT_MIN_INTERVAL_MILLIS = 10 * 60 * 1000;
    /** ...the file must have at least this many records since the last snapshot... */
    public static final int COMPACT_MIN_RECORDS = 100;
    /** ...be at least this large... */
    public static final long COMPACT_MIN_BYTES = 10L << 20;
    /** ...and have grown to this many times its size after the last snapshot. */
    public static final int COMPACT_GROWTH = 2;

    private final Path path;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Database database;
    private JsonRecordFile file;
    private long snapshotSize;
    private long recordsSinceSnapshot;
    private long snapshotMillis = Long.MIN_VALUE;
    private Runnable beforeChange = () -> {};

    private DatabaseFile(Path path, FileChannel lockChannel, FileLock lock, JsonRecordFile file, Database database) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.file = file;
        this.database = database;
    }

    /**
     * Creates {@code path} holding {@code schema} and no data, as {@code ovsdb-tool create} does.
     *
     * @throws IOException if the file exists or cannot be written
     */
    public static void create(Path path, DatabaseSchema schema) throws IOException {
        try (JsonRecordFile created = JsonRecordFile.create(path)) {
            try {
                created.append(schema.toJson(), true);
            } catch (IOException e) {
                Files.deleteIfExists(path);
                throw e;
            }
        }
    }

    private static DatabaseSchema schema(JsonRecordFile records) throws IOException, OvsdbException {
        JsonNode json = records.next();
        if (json == null) {
            JsonRecordFile.Problem problem = records.problem();
            throw new OvsdbException("I/O error", records.path() + ": not a database file: " + (problem == null
                    ? "it is empty" : "offset " + problem.offset() + ": " + problem.reason()));
        }
        try {
            return DatabaseSchema.fromJson(json);
        } catch (OvsdbException e) {
            throw e.withPrefix(records.path() + ": bad schema: ");
        }
    }

    /**
     * Opens and loads the database in {@code path}, locking it.
     *
     * @param uuids gives the loaded rows their {@code _version}s
     * @throws IOException if the file cannot be read or is locked by another process
     * @throws OvsdbException if the schema or a record in the middle of the file is bad
     */
    public static DatabaseFile open(Path path, UuidSource uuids) throws IOException, OvsdbException {
        Path lockPath = path.resolveSibling("." + path.getFileName() + ".~lock~");
        FileChannel lockChannel;
        try {
            lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            // The JDK's message for a link opened with NOFOLLOW_LINKS does not name the file.
            throw new IOException(lockPath + ": " + e.getMessage(), e);
        }
        FileLock lock = null;
        JsonRecordFile records = null;
        try {
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process
            }
            if (lock == null) {
                throw new IOException(path + ": the database is locked by another server (" + lockPath + ")");
            }
            records = JsonRecordFile.open(path);
            Database database = new Database(schema(records));
            long transactions = 0;
            String unapplied = null;
            for (JsonNode json = records.next(); json != null; json = records.next()) {
                try {
                    load(database, json, uuids);
                } catch (OvsdbException e) {
                    String what = "transaction record " + (transactions + 1) + " cannot be applied: ";
                    records.unread();
                    long offset = records.goodEnd();
                    if (records.next() != null || (records.problem() != null && !records.problem().torn())) {
                        throw e.withPrefix(path + ": " + what);
                    }
                    unapplied = "the last record, at offset " + offset + ", cannot be applied (" + e.tag() + ": "
                            + e.details() + ")";
                    break;
                }
                transactions++;
            }
            JsonRecordFile.Problem problem = records.problem();
            if (problem != null && !problem.torn()) {
                throw new OvsdbException("I/O error", path + ": bad record at offset " + problem.offset() + ": "
                        + problem.reason() + ", and more data follows; refusing to open a damaged database");
            }
            if (unapplied != null || problem != null) {
                String why = unapplied != null ? unapplied : "the last record, at offset " + problem.offset()
                        + ", is incomplete (" + problem.reason() + ")";
                Path side;
                try {
                    side = records.discardTail();
                } catch (IOException e) {
                    throw new IOException(path + ": " + why + ", and it cannot be kept aside before it is cut off"
                            + " (" + e.getMessage() + "); refusing to open the database until it can", e);
                }
                log.warn("{}: {}; it was cut off the file and kept in {}; the file is loaded up to it ({}"
                        + " transactions)", path, why, side, transactions);
            }
            DatabaseFile opened = new DatabaseFile(path, lockChannel, lock, records, database);
            opened.snapshotSize = records.goodEnd();
            opened.recordsSinceSnapshot = transactions;
            return opened;
        } catch (IOException | OvsdbException | RuntimeException e) {
            if (records != null) {
                records.close();
            }
            if (lock != null) {
                lock.release();
            }
            lockChannel.close();
            throw e;
        }
    }

    private static void load(Database database, JsonNode json, UuidSource uuids) throws OvsdbException {
        if (!json.isObject()) {
            throw OvsdbException.syntax(json, "object expected");
        }
        boolean isDiff = json.path("_is_diff").asBoolean(false);
        Map<Table, List<RowChange>> changes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            if (name.equals("_date") || name.equals("_comment") || name.equals("_is_diff")) {
                continue;
            }
            Table table = database.table(name);
            if (table == null || !entry.getValue().isObject()) {
                throw OvsdbException.syntax(json, "unknown table " + name);
            }
            List<RowChange> list = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> rows = entry.getValue().fields(); rows.hasNext();) {
                Map.Entry<String, JsonNode> rowEntry = rows.next();
                if (!BaseType.isUuid(rowEntry.getKey())) {
                    throw OvsdbException.syntax(json, rowEntry.getKey() + " is not a UUID");
                }
                UUID uuid = UUID.fromString(rowEntry.getKey());
                Row old = table.get(uuid);
                JsonNode rowJson = rowEntry.getValue();
                if (rowJson.isNull()) {
                    if (old != null) {
                        list.add(new RowChange(old, null));
                    }
                    continue;
                }
                Row row = old != null ? old.withVersion(uuids.next()) : table.newRow(uuid, uuids.next());
                for (Iterator<Map.Entry<String, JsonNode>> columns = rowJson.fields(); columns.hasNext();) {
                    Map.Entry<String, JsonNode> column = columns.next();
                    ColumnSchema schema = table.schema().column(column.getKey());
                    if (schema == null || schema.isImplicit()) {
                        throw OvsdbException.syntax(rowJson, "unknown column " + column.getKey() + " in table "
                                + name);
                    }
                    Datum value = isDiff && old != null && schema.type().isComposite()
                            ? row.get(schema.index()).applyDiff(Datum.diffFromJson(column.getValue(),
                                    schema.type()), schema.type())
                            : Datum.fromJson(column.getValue(), schema.type(), null);
                    row = row.with(schema.index(), value);
                }
                list.add(new RowChange(old, row));
            }
            changes.put(table, list);
        }
        database.apply(changes);
    }

    /**
     * The records of the file in {@code path} (the schema, then each transaction) without each transaction's
     * {@code _date}: what must be equal for two files to hold the same history, such as a recorded run's and its
     * replay's. Reads without locking; stops at the first bad record.
     */
    public static List<JsonNode> recordsWithoutDates(Path path) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        try (JsonRecordFile file = JsonRecordFile.open(path)) {
            for (JsonNode json = file.next(); json != null; json = file.next()) {
                if (json instanceof ObjectNode) {
                    ((ObjectNode) json).remove("_date");
                }
                records.add(json);
            }
        }
        return records;
    }

    /** The loaded database, kept up to date by the server. */
    public Database database() {
        return database;
    }

    public Path path() {
        return path;
    }

    /**
     * Runs {@code hook} just before each change this file makes to the disk (a transaction appended, a compaction's
     * rename), on the calling thread: where a recorded process applies the output commit rule
     * ({@link io.streamreplay.replay.ReplayContext#commitBeforeOutput()}), so that the file never holds a transaction
     * whose cause its recording lacks. Replaces any hook given before.
     */
    public void beforeEachChange(Runnable hook) {
        beforeChange = hook;
    }

    /**
     * Appends one committed transaction. Nothing is written if only ephemeral columns changed.
     *
     * @param durable whether to wait until the record is on stable storage
     */
    public void write(Map<Table, List<RowChange>> changes, String comment, long dateMillis, boolean durable)
            throws IOException {
        boolean asDiff = readableAsDiff(changes);
        ObjectNode json = Json.NODES.objectNode();
        for (Map.Entry<Table, List<RowChange>> entry : changes.entrySet()) {
            ObjectNode tableJson = Json.NODES.objectNode();
            for (RowChange change : entry.getValue()) {
                JsonNode rowJson = change.row() == null ? NullNode.getInstance()
                        : rowJson(entry.getKey(), change.old(), change.row(), asDiff);
                if (rowJson != null) {
                    tableJson.set(change.row() == null ? change.old().uuid().toString()
                            : change.row().uuid().toString(), rowJson);
                }
            }
            if (!tableJson.isEmpty()) {
                json.set(entry.getKey().name(), tableJson);
            }
        }
        if (json.isEmpty()) {
            return;
        }
        json.put("_date", dateMillis);
        if (!comment.isEmpty()) {
            json.put("_comment", comment);
        }
        if (asDiff) {
            json.put("_is_diff", true);
        }
        beforeChange.run();
        file.append(json, durable);
        recordsSinceSnapshot++;
    }

    /**
     * Whether Open vSwitch's reader before its fixes of August 2023 (such as 3.1.0, which Debian 12 ships) reads
     * these changes right as a difference record. It checks a difference against the column's element counts (a
     * two-element set replaced by two others is a four-element difference), and it takes a difference to a column
     * holding its non-empty default for the new value. Otherwise the record holds the changed columns' new values,
     * without {@code _is_diff}, which every version reads.
     */
    private static boolean readableAsDiff(Map<Table, List<RowChange>> changes) {
        for (Map.Entry<Table, List<RowChange>> entry : changes.entrySet()) {
            Table table = entry.getKey();
            for (RowChange change : entry.getValue()) {
                if (change.old() == null || change.row() == null) {
                    continue;
                }
                for (ColumnSchema column : table.schema().columns()) {
                    ColumnType type = column.type();
                    Datum before = change.old().get(column.index());
                    Datum after = change.row().get(column.index());
                    if (type.isComposite() && column.isPersistent() && !before.equals(after)
                            && (before.diff(after).size() > type.max()
                                    || (type.min() > 0 && before.equals(table.defaults()[column.index()])))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * The stored form of a row: columns that differ from the default (new rows) or from the old row (as
     * differences for sets and maps if {@code asDiff}); or null.
     */
    private static ObjectNode rowJson(Table table, Row old, Row row, boolean asDiff) {
        ObjectNode json = Json.NODES.objectNode();
        for (ColumnSchema column : table.schema().columns()) {
            if (column.isImplicit() || !column.isPersistent()) {
                continue;
            }
            Datum value = row.get(column.index());
            Datum before = old == null ? table.defaults()[column.index()] : old.get(column.index());
            if (value.equals(before)) {
                continue;
            }
            json.set(column.name(), asDiff && old != null && column.type().isComposite() ? before.diff(value).toJson()
                    : value.toJson());
        }
        return old != null && json.isEmpty() ? null : json;
    }

    /**
     * Whether the file has grown enough, for long enough, since the last snapshot for {@link #compact} to be worth
     * it. The first call starts the interval.
     *
     * @param nowMillis the current time on the caller's (monotonic, replayable) clock
     */
    public boolean shouldCompact(long nowMillis) {
        if (snapshotMillis == Long.MIN_VALUE) {
            snapshotMillis = nowMillis;
        }
        long size = file.size();
        return nowMillis - snapshotMillis >= COMPACT_MIN_INTERVAL_MILLIS && recordsSinceSnapshot >= COMPACT_MIN_RECORDS
                && size >= COMPACT_MIN_BYTES && size >= COMPACT_GROWTH * snapshotSize;
    }

    /**
     * Replaces the file by the schema and one record holding every row, written to {@code FILE.tmp}, synced, and
     * renamed over the file, so a crash leaves either the old or the new file whole.
     */
    public void compact(long dateMillis, String comment) throws IOException {
        try {
            writeSnapshot(dateMillis, comment);
        } catch (IOException e) {
            // Not again until the file has grown as much once more: a full disk must not mean a retry per request.
            snapshotSize = file.size();
            recordsSinceSnapshot = 0;
            throw e;
        } finally {
            snapshotMillis = Long.MIN_VALUE;
        }
    }

    private void writeSnapshot(long dateMillis, String comment) throws IOException {
        Path target = path.toRealPath();
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            writeSnapshotFile(temporary, dateMillis, comment);
        } catch (IOException e) {
            // A snapshot that could not be written in full must not hold space on a disk that filled up.
            Files.deleteIfExists(temporary);
            throw e;
        }
        beforeChange.run();
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent());
        file.close();
        file = JsonRecordFile.open(target);
        while (file.next() != null) {
            // Position after the snapshot for the next append.
        }
        snapshotSize = file.goodEnd();
        recordsSinceSnapshot = 0;
    }

    private void writeSnapshotFile(Path temporary, long dateMillis, String comment) throws IOException {
        try (JsonRecordFile snapshot = JsonRecordFile.create(temporary)) {
            snapshot.append(database.schema().toJson(), false);
            ObjectNode json = Json.NODES.objectNode();
            for (Table table : database.tables()) {
                if (table.size() == 0) {
                    continue;
                }
                ObjectNode tableJson = json.putObject(table.name());
                for (Row row : table.rows()) {
                    tableJson.set(row.uuid().toString(), rowJson(table, null, row, false));
                }
            }
            json.put("_date", dateMillis);
            json.put("_comment", comment);
            snapshot.append(json, false);
            snapshot.sync();
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename itself is still atomic.
            log.debug("cannot sync directory {}: {}", dir, e.toString());
        }
    }

    /** The file's current size. */
    public long size() {
        return file.size();
    }

    /** Syncs and closes the file and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            file.sync();
            file.close();
        } finally {
            lock.release();
            lockChannel.close();
        }
    }
}
