package io.streamreplay.stream;

/**
 * Plain words for why a TLS handshake failed, from the JDK's messages, which name protocol internals ("Received
 * fatal alert: certificate_unknown", "Unsupported or unrecognized SSL message"). Refusals of a certificate by this
 * side are already plain ({@link DescriptiveTrustManager}) and pass through. Stateless.
 */
final class HandshakeFailure {

    private HandshakeFailure() {
    }

    /**
     * @param reason the JDK's message
     * @param client whether this side is the client
     * @param trusted the CA peers must chain to, for messages ({@code the CA in ca.pem ('CN=ca')}), or null
     */
    static String describe(String reason, boolean client, String trusted) {
        String peer = client ? "the server" : "the client";
        if (reason.contains("Empty client certificate chain") || reason.contains("null cert chain")) {
            return "the client sent no certificate" + (trusted == null ? "" : " signed by " + trusted)
                    + ", which this listener requires (it has none, or one from another CA)";
        }
        if (reason.contains("certificate_required")) {
            return "the server requires a client certificate from a CA it trusts, and this side has none";
        }
        String alert = alert(reason);
        if (alert != null) {
            return switch (alert) {
                case "certificate_unknown", "bad_certificate", "unknown_ca", "certificate_expired",
                        "unsupported_certificate", "certificate_revoked" ->
                        peer + " refused this side's certificate (TLS alert " + alert + "): "
                                + (alert.equals("certificate_expired") ? "it has expired"
                                        : "its CA file does not hold the CA that signed it, or the certificate has expired");
                case "protocol_version" ->
                        peer + " has no TLS version in common with this side (which enables TLS 1.2 and 1.3"
                                + " only)";
                case "handshake_failure" -> peer + " found nothing in common with this side's TLS settings (TLS alert"
                        + " handshake_failure)";
                default -> peer + " ended the handshake (TLS alert " + alert + ")";
            };
        }
        if (reason.contains("Unsupported or unrecognized SSL message")
                || reason.contains("Unrecognized SSL message")) {
            return peer + " does not speak TLS (plaintext on a TLS port, or tcp: where ssl: was meant)";
        }
        if (reason.contains("No appropriate protocol")) {
            return peer + " has no TLS version in common with this side (which enables TLS 1.2 and 1.3 only)";
        }
        if (reason.contains("Remote host terminated the handshake")
                || reason.contains("peer closed the connection during the handshake")) {
            return peer + " closed the connection during the TLS handshake (it may have refused this side's"
                    + " certificate)";
        }
        return reason;
    }

    /** The alert's name in "Received fatal alert: NAME", or null. */
    private static String alert(String reason) {
        String marker = "Received fatal alert: ";
        int at = reason.indexOf(marker);
        if (at < 0) {
            return null;
        }
        String rest = reason.substring(at + marker.length());
        int end = 0;
        while (end < rest.length() && (Character.isLetterOrDigit(rest.charAt(end)) || rest.charAt(end) == '_')) {
            end++;
        }
        return rest.substring(0, end);
    }
}
