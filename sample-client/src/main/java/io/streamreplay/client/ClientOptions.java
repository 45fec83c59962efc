package io.streamreplay.client;

import io.streamreplay.client.format.Format;
import io.streamreplay.stream.TlsConfig;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options every command shares: where the server is, TLS, and output format. They belong to the top command
 * and are inherited by every subcommand, so they may come before the command name (as with {@code ovsdb-client})
 * or after it.
 */
public final class ClientOptions {

    /** The server used when none is given: the Unix socket {@code sample-db-server} listens on by default. */
    public static final String DEFAULT_SERVER = "unix:db.sock";

    private static final List<String> ACTIVE_PREFIXES = List.of("unix:", "tcp:", "ssl:");

    @Option(scope = ScopeType.INHERIT, names = "--server", paramLabel = "NAME",
            description = "The server: unix:PATH, tcp:IP[:PORT] or"
                    + " ssl:IP[:PORT] (default: " + DEFAULT_SERVER + "). It may also be given as the first argument.")
    String server;

    @Option(scope = ScopeType.INHERIT, names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format of tables: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(scope = ScopeType.INHERIT, names = "--no-headings", description = "Leave out table headings.")
    boolean noHeadings;

    @Option(scope = ScopeType.INHERIT, names = "--pretty", description = "Indent JSON output.")
    boolean pretty;

    @Option(scope = ScopeType.INHERIT, names = "--timestamp",
            description = "Print the time before each monitor update.")
    boolean timestamp;

    @Option(scope = ScopeType.INHERIT, names = "--db-change-aware",
            description = "Ask the server to keep the connection open when databases"
                    + " change, and fail if it cannot.")
    boolean dbChangeAware;

    @Option(scope = ScopeType.INHERIT, names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Give up waiting for a connection or a reply after SECONDS (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(scope = ScopeType.INHERIT, names = {"-p", "--private-key"}, paramLabel = "FILE",
            description = "TLS private key (PEM, PKCS#8).")
    Path privateKey;

    @Option(scope = ScopeType.INHERIT, names = {"-c", "--certificate"}, paramLabel = "FILE",
            description = "TLS certificate (PEM).")
    Path certificate;

    @Option(scope = ScopeType.INHERIT, names = "--keystore", paramLabel = "FILE",
            description = "TLS private key and certificate chain in one PKCS12 file, instead of --private-key and"
                    + " --certificate.")
    Path keyStore;

    @Option(scope = ScopeType.INHERIT, names = "--keystore-password-file", paramLabel = "FILE",
            description = "The --keystore's password: the first line of FILE (default: none).")
    Path keyStorePasswordFile;

    @Option(scope = ScopeType.INHERIT, names = {"-C", "--ca-cert"}, paramLabel = "FILE",
            description = "CA certificate (PEM) the server's"
                    + " certificate must be signed by.")
    Path caCertificate;

    /**
     * The server: {@code --server}, else the first of {@code positional} if it names one (and is then removed),
     * else the default.
     */
    String server(List<String> positional) {
        if (!positional.isEmpty() && ACTIVE_PREFIXES.stream().anyMatch(positional.get(0)::startsWith)) {
            String named = positional.remove(0);
            if (server == null) {
                return named;
            }
        }
        return server != null ? server : DEFAULT_SERVER;
    }

    TlsConfig tls() throws ClientException {
        try {
            return TlsConfig.fromOptions(privateKey, certificate, keyStore, keyStorePasswordFile, caCertificate);
        } catch (IllegalArgumentException e) {
            throw new ClientException(ClientException.BAD_INPUT, e.getMessage());
        }
    }
}
