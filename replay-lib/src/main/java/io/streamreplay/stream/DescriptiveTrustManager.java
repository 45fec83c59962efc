package io.streamreplay.stream;

import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's trust manager, with its refusals put in plain words: whose certificate (the client's or the server's,
 * its subject), and why: expired, not yet valid, or not issued by the CA in the CA file (naming both). The JDK's
 * own text ("PKIX path building failed: ...") tells an operator neither. Thread-safe, as the delegate is.
 */
final class DescriptiveTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager delegate;
    private final Path caFile;
    private final List<X509Certificate> cas;

    DescriptiveTrustManager(X509ExtendedTrustManager delegate, Path caFile, List<X509Certificate> cas) {
        this.delegate = delegate;
        this.caFile = caFile;
        this.cas = List.copyOf(cas);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate.checkClientTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw explain("client", chain, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw explain("server", chain, e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate.checkClientTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw explain("client", chain, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw explain("server", chain, e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw explain("client", chain, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw explain("server", chain, e);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    private CertificateException explain(String role, X509Certificate[] chain, CertificateException cause) {
        if (chain == null || chain.length == 0) {
            return new CertificateException("the " + role + " sent no certificate", cause);
        }
        X509Certificate leaf = chain[0];
        String whose = "the " + role + "'s certificate '" + leaf.getSubjectX500Principal().getName() + "'";
        String reason;
        try {
            leaf.checkValidity();
            String issuer = leaf.getIssuerX500Principal().getName();
            boolean known = cas.stream().anyMatch(ca -> ca.getSubjectX500Principal().equals(
                    leaf.getIssuerX500Principal()));
            reason = known ? "is not accepted by the CA in " + caFile + ": " + cause.getMessage()
                    : "is issued by '" + issuer + "', which is not the CA in " + caFile + " (" + caNames() + ")";
        } catch (CertificateExpiredException e) {
            reason = "expired on " + leaf.getNotAfter().toInstant();
        } catch (CertificateNotYetValidException e) {
            reason = "is not valid before " + leaf.getNotBefore().toInstant();
        }
        return new CertificateException(whose + " " + reason, cause);
    }

    private String caNames() {
        return cas.stream().map(ca -> "'" + ca.getSubjectX500Principal().getName() + "'")
                .collect(Collectors.joining(", "));
    }
}
