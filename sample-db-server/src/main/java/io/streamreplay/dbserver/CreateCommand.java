package io.streamreplay.dbserver;

import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.jsonrpc.Json;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sample-db-server create DB-FILE SCHEMA-FILE}: creates a database file from a schema, as
 * {@code ovsdb-tool create} does. Exit status 0, or 1 with one line on standard error naming the file at fault.
 */
@Command(name = "create", mixinStandardHelpOptions = true, versionProvider = SampleDbServer.Version.class,
        description = "Creates DB-FILE holding the schema in SCHEMA-FILE and no data.")
final class CreateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DB-FILE")
    private Path dbFile;

    @Parameters(index = "1", paramLabel = "SCHEMA-FILE")
    private Path schemaFile;

    @Override
    public Integer call() {
        try {
            DatabaseSchema schema = DatabaseSchema.fromJson(Json.parse(Files.readString(schemaFile)));
            DatabaseFile.create(dbFile, schema);
            return 0;
        } catch (FileAlreadyExistsException e) {
            System.err.println(SampleDbServer.PROGRAM + ": " + dbFile + ": the file exists");
        } catch (NoSuchFileException e) {
            System.err.println(SampleDbServer.PROGRAM + ": " + e.getFile() + ": no such file");
        } catch (IOException e) {
            System.err.println(SampleDbServer.PROGRAM + ": " + schemaFile + ": " + e.getMessage());
        } catch (OvsdbException e) {
            System.err.println(SampleDbServer.PROGRAM + ": " + schemaFile + ": " + e.tag() + ": " + e.details());
        }
        return 1;
    }
}
