package io.streamreplay.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Why a connection could not be made, in the words a user needs: refused, no such socket, TLS, timeout. */
final class ConnectionFailure {

    private ConnectionFailure() {
    }

    static String describe(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            String lower = message.toLowerCase(Locale.ROOT);
            if (cause instanceof SSLException || lower.contains("handshake") || lower.contains("certificate")) {
                return "TLS failure (" + message + ")";
            }
            if (cause instanceof NoSuchFileException || lower.contains("no such file")) {
                return "no such socket";
            }
            if (cause instanceof ConnectException || lower.contains("refused")) {
                return "connection refused";
            }
            if (cause instanceof SocketTimeoutException || lower.contains("timed out")) {
                return "timed out";
            }
        }
        return String.valueOf(e.getMessage());
    }
}
