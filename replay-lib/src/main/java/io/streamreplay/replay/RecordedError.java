package io.streamreplay.replay;

import io.streamreplay.stream.InvalidStreamNameException;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns an {@link IOException} into a record payload and back, so that a replayed failure has the recorded
 * message and, for the common kinds, the recorded class (code may react to {@code ConnectException} differently
 * from other failures). Stateless.
 */
final class RecordedError {

    private RecordedError() {
    }

    /** Payload: the class name's length (u16), the class name, then the message, all UTF-8. */
    static ByteBuffer encode(IOException error) {
        byte[] type = error.getClass().getName().getBytes(StandardCharsets.UTF_8);
        String text = error.getMessage() == null ? "" : error.getMessage();
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + type.length + message.length)
                .putShort((short) type.length).put(type).put(message).flip();
    }

    /** The exception a payload describes; unknown classes become plain {@link IOException}s. */
    static IOException decode(byte[] payload) {
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        int typeLength = buffer.getShort() & 0xffff;
        String type = new String(payload, 2, typeLength, StandardCharsets.UTF_8);
        String message = new String(payload, 2 + typeLength, payload.length - 2 - typeLength,
                StandardCharsets.UTF_8);
        switch (type) {
            case "java.io.EOFException":
                return new EOFException(message);
            case "java.net.ConnectException":
                return new ConnectException(message);
            case "java.net.BindException":
                return new BindException(message);
            case "java.net.NoRouteToHostException":
                return new NoRouteToHostException(message);
            case "java.net.SocketException":
                return new SocketException(message);
            case "java.net.SocketTimeoutException":
                return new SocketTimeoutException(message);
            case "java.net.UnknownHostException":
                return new UnknownHostException(message);
            case "javax.net.ssl.SSLHandshakeException":
                return new SSLHandshakeException(message);
            case "javax.net.ssl.SSLException":
                return new SSLException(message);
            case "io.streamreplay.stream.InvalidStreamNameException":
                int colon = message.indexOf(": ");
                return colon < 0 ? new IOException(message)
                        : new InvalidStreamNameException(message.substring(0, colon), message.substring(colon + 2));
            default:
                return new IOException(message);
        }
    }
}
