package io.streamreplay.stream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The key material and policy of {@code ssl:} and {@code pssl:} streams.
 *
 * <p>Two ways to give the local identity:
 * <ul>
 *   <li>PEM: a private key file in PKCS#8 form ({@code -----BEGIN PRIVATE KEY-----}, RSA or EC) and a certificate
 *   file (the certificate, optionally followed by its chain);</li>
 *   <li>PKCS12: one keystore file holding the key and its certificate chain, with its password.</li>
 * </ul>
 * Peers are verified against the CA certificate file (PEM, one or more certificates). Verification is on for both
 * sides by default: a client checks the server's certificate chain and a listener requires and checks a client
 * certificate, as Open vSwitch does. Host names are not checked, since OVSDB remotes are usually IP addresses.
 * Only TLS 1.2 and 1.3 are enabled.
 *
 * <p>A handshake that has not completed {@value #DEFAULT_HANDSHAKE_TIMEOUT_MILLIS} ms after it began (a peer that
 * connects and sends nothing, or half a hello) fails, so a stalled peer never holds a connection for ever
 * ({@link #withHandshakeTimeout}). The failure is the stream's result, so a recording holds it and a replay
 * reproduces it without any timer.
 *
 * <p>Files are read only when the first TLS stream is opened, or by {@link #check()}, so a replay, which opens no
 * stream, never reads them. Immutable apart from that cached context; thread-safe.
 */
public final class TlsConfig {

    /** How long a handshake may take by default, in milliseconds. */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final Path privateKey;
    private final Path certificate;
    private final Path keyStore;
    private final char[] keyStorePassword;
    private final Path caCertificate;
    private final long handshakeTimeoutMillis;
    private SSLContext context;
    private String trustedDescription;

    private TlsConfig(Path privateKey, Path certificate, Path keyStore, char[] keyStorePassword, Path caCertificate,
            long handshakeTimeoutMillis) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.keyStore = keyStore;
        this.keyStorePassword = keyStorePassword;
        this.caCertificate = caCertificate;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** No TLS material: opening an {@code ssl:} or {@code pssl:} stream fails with a message saying so. */
    public static TlsConfig none() {
        return new TlsConfig(null, null, null, null, null, DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    }

    /** A PKCS#8 PEM private key, its PEM certificate (chain), and the PEM CA certificate(s) peers must chain to. */
    public static TlsConfig pem(Path privateKey, Path certificate, Path caCertificate) {
        return new TlsConfig(privateKey, certificate, null, null, caCertificate,
                DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    }

    /** A PKCS12 keystore with the key and its chain, its password, and the PEM CA certificate(s). */
    public static TlsConfig pkcs12(Path keyStore, String password, Path caCertificate) {
        return new TlsConfig(null, null, keyStore, password.toCharArray(), caCertificate,
                DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    }

    /**
     * The configuration a program's command-line options give: none of them for no TLS; a PEM key, its certificate
     * and the CA ({@code -p}, {@code -c}, {@code -C}); or a PKCS12 keystore with the key and its chain, the file
     * holding the keystore's password on its first line (no password if null), and the CA.
     *
     * @throws IllegalArgumentException naming the options missing or in excess, or an unreadable password file
     */
    public static TlsConfig fromOptions(Path privateKey, Path certificate, Path keyStore, Path passwordFile,
            Path caCertificate) {
        if (privateKey == null && certificate == null && keyStore == null && passwordFile == null
                && caCertificate == null) {
            return none();
        }
        if (keyStore != null) {
            if (privateKey != null || certificate != null) {
                throw new IllegalArgumentException("--keystore replaces --private-key and --certificate; give"
                        + " either");
            }
            if (caCertificate == null) {
                throw new IllegalArgumentException("TLS with --keystore needs --ca-cert too");
            }
            String password = "";
            if (passwordFile != null) {
                try {
                    password = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst()
                            .orElse("");
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read --keystore-password-file " + passwordFile
                            + ": " + reason(e), e);
                }
            }
            return pkcs12(keyStore, password, caCertificate);
        }
        if (passwordFile != null) {
            throw new IllegalArgumentException("--keystore-password-file needs --keystore");
        }
        if (privateKey == null || certificate == null || caCertificate == null) {
            throw new IllegalArgumentException("TLS needs all three of --private-key, --certificate and --ca-cert"
                    + " (or --keystore and --ca-cert)");
        }
        return pem(privateKey, certificate, caCertificate);
    }

    /** The same, with handshakes that fail after {@code millis} milliseconds instead of the default. */
    public TlsConfig withHandshakeTimeout(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("a handshake timeout must be positive, not " + millis);
        }
        return new TlsConfig(privateKey, certificate, keyStore, keyStorePassword, caCertificate, millis);
    }

    /** How long a handshake may take, in milliseconds of the loop's clock. */
    public long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    /**
     * Reads and checks the key material now rather than at the first TLS stream, so that a program can refuse bad
     * files at start: unreadable files, a key that does not match its certificate, a CA file without a certificate.
     * Does nothing when TLS is not configured.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    public void check() throws IOException {
        if (isConfigured()) {
            context("TLS");
        }
    }

    /** Whether any key material was configured. */
    public boolean isConfigured() {
        return keyStore != null || privateKey != null;
    }

    /**
     * The CA peers must chain to, for messages, such as {@code the CA in ca.pem ('CN=ca')}; null until the files
     * were read, or when peers are not verified.
     */
    synchronized String trustedDescription() {
        return trustedDescription;
    }

    /** A new engine for one connection, in client mode for active streams and server mode for accepted ones. */
    SSLEngine newEngine(String name, boolean client) throws IOException {
        SSLEngine engine = context(name).createSSLEngine();
        engine.setUseClientMode(client);
        engine.setEnabledProtocols(PROTOCOLS);
        if (!client) {
            engine.setNeedClientAuth(true);
        }
        return engine;
    }

    private synchronized SSLContext context(String name) throws IOException {
        if (context != null) {
            return context;
        }
        if (!isConfigured()) {
            throw new IOException(name + ": TLS is not configured (give a private key, a certificate and a CA"
                    + " certificate)");
        }
        if (caCertificate == null) {
            throw new IOException(name + ": TLS peer verification needs a CA certificate");
        }
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            KeyStore identity = keyStore != null ? loadPkcs12() : pemKeyStore();
            keys.init(identity, keyStore != null ? keyStorePassword : new char[0]);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(keys.getKeyManagers(), trustManagers(), null);
            context = ssl;
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IOException(name + ": invalid TLS configuration: " + e.getMessage(), e);
        }
    }

    private KeyStore loadPkcs12() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, keyStorePassword);
        } catch (IOException e) {
            throw new IOException("cannot read keystore " + keyStore + ": " + reason(e), e);
        }
        return store;
    }

    private KeyStore pemKeyStore() throws IOException, GeneralSecurityException {
        PrivateKey key = readPrivateKey(privateKey);
        List<Certificate> chain = readCertificates(certificate);
        if (chain.isEmpty()) {
            throw new IOException("no certificate found in " + certificate);
        }
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new IOException(privateKey + " is not the key of the certificate in " + certificate + " ('"
                    + ((X509Certificate) chain.get(0)).getSubjectX500Principal().getName() + "'): it belongs to"
                    + " another certificate");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("identity", key, new char[0], chain.toArray(new Certificate[0]));
        return store;
    }

    private TrustManager[] trustManagers() throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        List<Certificate> cas = readCertificates(caCertificate);
        if (cas.isEmpty()) {
            throw new IOException("no certificate found in CA file " + caCertificate);
        }
        for (int i = 0; i < cas.size(); i++) {
            trusted.setCertificateEntry("ca" + i, cas.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        TrustManager[] managers = factory.getTrustManagers();
        List<X509Certificate> x509 = new ArrayList<>();
        cas.forEach(ca -> x509.add((X509Certificate) ca));
        trustedDescription = "the CA in " + caCertificate + " (" + x509.stream().map(ca -> "'"
                + ca.getSubjectX500Principal().getName() + "'").collect(Collectors.joining(", ")) + ")";
        for (int i = 0; i < managers.length; i++) {
            if (managers[i] instanceof X509ExtendedTrustManager) {
                managers[i] = new DescriptiveTrustManager((X509ExtendedTrustManager) managers[i], caCertificate, x509);
            }
        }
        return managers;
    }

    /** Whether {@code key} is the private half of {@code publicKey}: it signs what the public key verifies. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }

        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "streamreplay key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (InvalidKeyException | SignatureException e) {
            return false; // such as an EC key of another curve than the certificate's
        }
    }

    private static List<Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            return new ArrayList<>(certs);
        } catch (IOException e) {
            throw new IOException("cannot read certificate file " + file + ": " + reason(e), e);
        }
    }

    private static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot read private key file " + file + ": " + reason(e), e);
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
            throw new IOException(file + ": traditional (PKCS#1/SEC1) keys are not supported; convert with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(file + ": no '-----BEGIN PRIVATE KEY-----' block found");
        }
        String base64 = pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new IOException(file + ": unsupported private key (not RSA, EC or Ed25519)", last);
    }

    /** Why reading a file failed, in words: the JDK names only the file when it does not exist. */
    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage();
    }
}
