package io.streamreplay.replay;

import io.streamreplay.stream.TlsConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The TLS options of a server on the library, as a Picocli mixin beside {@link ReplayOptions}
 * ({@code @Mixin TlsOptions tls}): a PEM key, its certificate and the CA ({@code -p}, {@code -c}, {@code -C}, as Open
 * vSwitch's programs name them), or a PKCS12 keystore and the file holding its password. Not thread-safe; read once
 * at start.
 */
public final class TlsOptions {

    @Option(names = {"-p", "--private-key"}, paramLabel = "FILE", description = "TLS private key (PEM, PKCS#8).")
    private Path privateKey;

    @Option(names = {"-c", "--certificate"}, paramLabel = "FILE", description = "TLS certificate (PEM).")
    private Path certificate;

    @Option(names = "--keystore", paramLabel = "FILE", description = "TLS private key and certificate chain in one"
            + " PKCS12 file, instead of --private-key and --certificate.")
    private Path keyStore;

    @Option(names = "--keystore-password-file", paramLabel = "FILE", description = "The --keystore's password: the"
            + " first line of FILE (default: none). Not on the command line, which the recording keeps.")
    private Path keyStorePasswordFile;

    @Option(names = {"-C", "--ca-cert"}, paramLabel = "FILE", description = "CA certificate (PEM) that peers'"
            + " certificates must be signed by.")
    private Path caCertificate;

    /**
     * The configuration the options give. A replay ({@code replaying}) opens no TLS connection and reads no
     * password file, which need not exist where it runs.
     *
     * @throws IllegalArgumentException naming the options missing or in excess, or an unreadable password file
     */
    public TlsConfig config(boolean replaying) {
        return TlsConfig.fromOptions(privateKey, certificate, keyStore, replaying ? null : keyStorePasswordFile,
                caCertificate);
    }
}
