package io.streamreplay.stream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

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
 * <p>Files are read only when the first TLS stream is opened, so a replay, which opens no stream, never reads them.
 * Immutable apart from that cached context; thread-safe.
 */
public final class TlsConfig {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final Path privateKey;
    private final Path certificate;
    private final Path keyStore;
    private final char[] keyStorePassword;
    private final Path caCertificate;
    private final boolean verifyPeer;
    private SSLContext context;

    private TlsConfig(Path privateKey, Path certificate, Path keyStore, char[] keyStorePassword, Path caCertificate,
            boolean verifyPeer) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.keyStore = keyStore;
        this.keyStorePassword = keyStorePassword;
        this.caCertificate = caCertificate;
        this.verifyPeer = verifyPeer;
    }

    /** No TLS material: opening an {@code ssl:} or {@code pssl:} stream fails with a message saying so. */
    public static TlsConfig none() {
        return new TlsConfig(null, null, null, null, null, true);
    }

    /** A PKCS#8 PEM private key, its PEM certificate (chain), and the PEM CA certificate(s) peers must chain to. */
    public static TlsConfig pem(Path privateKey, Path certificate, Path caCertificate) {
        return new TlsConfig(privateKey, certificate, null, null, caCertificate, true);
    }

    /** A PKCS12 keystore with the key and its chain, its password, and the PEM CA certificate(s). */
    public static TlsConfig pkcs12(Path keyStore, String password, Path caCertificate) {
        return new TlsConfig(null, null, keyStore, password.toCharArray(), caCertificate, true);
    }

    /**
     * The same identity, but peers are not verified: any certificate is accepted and listeners do not ask for one.
     * For tests and trusted networks only.
     */
    public TlsConfig withoutPeerVerification() {
        return new TlsConfig(privateKey, certificate, keyStore, keyStorePassword, caCertificate, false);
    }

    /** Whether any key material was configured. */
    public boolean isConfigured() {
        return keyStore != null || privateKey != null;
    }

    /** A new engine for one connection, in client mode for active streams and server mode for accepted ones. */
    SSLEngine newEngine(String name, boolean client) throws IOException {
        SSLEngine engine = context(name).createSSLEngine();
        engine.setUseClientMode(client);
        engine.setEnabledProtocols(PROTOCOLS);
        if (!client) {
            engine.setNeedClientAuth(verifyPeer);
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
        if (verifyPeer && caCertificate == null) {
            throw new IOException(name + ": TLS peer verification needs a CA certificate");
        }
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            KeyStore identity = keyStore != null ? loadPkcs12() : pemKeyStore();
            keys.init(identity, keyStore != null ? keyStorePassword : new char[0]);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(keys.getKeyManagers(), verifyPeer ? trustManagers() : new TrustManager[] {new TrustAll()}, null);
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
            throw new IOException("cannot read keystore " + keyStore + ": " + e.getMessage(), e);
        }
        return store;
    }

    private KeyStore pemKeyStore() throws IOException, GeneralSecurityException {
        PrivateKey key = readPrivateKey(privateKey);
        List<Certificate> chain = readCertificates(certificate);
        if (chain.isEmpty()) {
            throw new IOException("no certificate found in " + certificate);
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
        return factory.getTrustManagers();
    }

    private static List<Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            return new ArrayList<>(certs);
        } catch (IOException e) {
            throw new IOException("cannot read certificate file " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot read private key file " + file + ": " + e.getMessage(), e);
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

    /** Accepts every peer; used only when verification was explicitly turned off. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
