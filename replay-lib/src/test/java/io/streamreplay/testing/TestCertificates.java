package io.streamreplay.testing;

import io.streamreplay.stream.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, made by the JDK's own {@code keytool} in a temporary directory: a CA, a server and a
 * client signed by it, a second CA that signed nothing the others trust, and the misfits: an identity signed by the
 * second CA that trusts the first, and one signed by the first CA that expired. Generated once per JVM.
 */
public final class TestCertificates {

    private static final String PASSWORD = "secret";
    private static TestCertificates instance;

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** The certificates of this JVM, generated on first use. */
    public static synchronized TestCertificates get() throws IOException {
        if (instance == null) {
            Path dir = Files.createTempDirectory("streamreplay-certs");
            TestCertificates certs = new TestCertificates(dir);
            certs.makeCa("ca");
            certs.makeCa("otherca");
            certs.makeSigned("server", "ca", null);
            certs.makeSigned("client", "ca", null);
            certs.makeSigned("stranger", "otherca", null);
            certs.makeSigned("intruder", "otherca", null);
            certs.makeSigned("expired", "ca", "-60d");
            instance = certs;
        }
        return instance;
    }

    /** The server's identity, as PKCS12, trusting the CA. */
    public TlsConfig server() {
        return TlsConfig.pkcs12(dir.resolve("server.p12"), PASSWORD, dir.resolve("ca.pem"));
    }

    /** The client's identity, as PEM files (PKCS#8 key, certificate chain), trusting the CA. */
    public TlsConfig clientPem() throws IOException {
        PemFiles files = pemFiles("client");
        return TlsConfig.pem(files.key(), files.certificate(), files.ca());
    }

    /** PEM files of one identity, for programs that take them on their command line. */
    public record PemFiles(Path key, Path certificate, Path ca) {
    }

    /** The PEM files of {@code "server"} or {@code "client"}, both signed by and trusting the CA. */
    public PemFiles pemFiles(String name) throws IOException {
        return new PemFiles(pemKey(name), pemChain(name), dir.resolve("ca.pem"));
    }

    /** A PKCS12 keystore, the file holding its password, and the CA, for programs that take them as options. */
    public record Pkcs12Files(Path keystore, Path passwordFile, Path ca) {
    }

    /** The PKCS12 files of {@code "server"} or {@code "client"}, both signed by and trusting the CA. */
    public Pkcs12Files pkcs12Files(String name) throws IOException {
        Path password = dir.resolve(name + ".password");
        if (!Files.exists(password)) {
            Files.writeString(password, PASSWORD + "\n");
        }
        return new Pkcs12Files(dir.resolve(name + ".p12"), password, dir.resolve("ca.pem"));
    }

    /** An identity signed by a CA the server does not trust, trusting only that other CA. */
    public TlsConfig stranger() {
        return TlsConfig.pkcs12(dir.resolve("stranger.p12"), PASSWORD, dir.resolve("otherca.pem"));
    }

    /** An identity signed by the other CA, trusting the CA: it accepts the server, which must refuse it. */
    public TlsConfig intruder() {
        return TlsConfig.pkcs12(dir.resolve("intruder.p12"), PASSWORD, dir.resolve("ca.pem"));
    }

    /** An identity signed by the CA whose certificate expired 30 days ago, trusting the CA. */
    public TlsConfig expired() {
        return TlsConfig.pkcs12(dir.resolve("expired.p12"), PASSWORD, dir.resolve("ca.pem"));
    }

    private void makeCa(String name) throws IOException {
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "30", "-ext", "bc:c", "-keystore", store(name), "-storetype", "PKCS12",
                "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", name, "-rfc", "-keystore", store(name), "-storepass", PASSWORD, "-file",
                dir.resolve(name + ".pem").toString());
    }

    /** {@code startDate}: null for now, or keytool's relative form such as {@code -60d}. */
    private void makeSigned(String name, String ca, String startDate) throws IOException {
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "30", "-keystore", store(name), "-storetype", "PKCS12", "-storepass", PASSWORD);
        String csr = dir.resolve(name + ".csr").toString();
        String crt = dir.resolve(name + ".crt").toString();
        keytool("-certreq", "-alias", name, "-keystore", store(name), "-storepass", PASSWORD, "-file", csr);
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", ca, "-keystore", store(ca), "-storepass",
                PASSWORD, "-infile", csr, "-outfile", crt, "-rfc", "-validity", "30"));
        if (startDate != null) {
            gencert.addAll(List.of("-startdate", startDate));
        }
        keytool(gencert.toArray(String[]::new));
        keytool("-importcert", "-alias", ca, "-keystore", store(name), "-storepass", PASSWORD, "-file",
                dir.resolve(ca + ".pem").toString(), "-noprompt");

        keytool("-importcert", "-alias", name, "-keystore", store(name), "-storepass", PASSWORD, "-file", crt);
    }

    private String store(String name) {
        return dir.resolve(name + ".p12").toString();
    }

    private Path pemKey(String name) throws IOException {
        Path file = dir.resolve(name + "-key.pem");
        if (!Files.exists(file)) {
            PrivateKey key;
            try {
                key = (PrivateKey) load(name).getKey(name, PASSWORD.toCharArray());
            } catch (Exception e) {
                throw new IOException("cannot read the key of " + name, e);
            }
            Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
        }
        return file;
    }

    private Path pemChain(String name) throws IOException {
        Path file = dir.resolve(name + "-chain.pem");
        if (!Files.exists(file)) {
            StringBuilder text = new StringBuilder();
            try {
                for (Certificate cert : load(name).getCertificateChain(name)) {
                    text.append(pem("CERTIFICATE", cert.getEncoded()));
                }
            } catch (Exception e) {
                throw new IOException("cannot read the chain of " + name, e);
            }
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        }
        return file;
    }

    private KeyStore load(String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("keytool failed: " + command + "\n" + output);
        }
    }
}
