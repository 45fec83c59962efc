package io.streamreplay.stream;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;

/** Parsing and formatting of the address part of stream names. Stateless. */
final class Addresses {

    /** The port OVSDB uses when a TCP or TLS name leaves it out. */
    static final int DEFAULT_PORT = 6640;

    private Addresses() {
    }

    /** Parses {@code HOST[:PORT]} or {@code [IPv6][:PORT]} of an active name. */
    static InetSocketAddress parseActive(String name, String target) throws InvalidStreamNameException {
        String host;
        String port;
        if (target.startsWith("[")) {
            int close = target.indexOf(']');
            if (close < 0) {
                throw new InvalidStreamNameException(name, "unterminated '[' in IPv6 address");
            }
            host = target.substring(1, close);
            String rest = target.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new InvalidStreamNameException(name, "expected ':PORT' after ']'");
            }
            port = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = target.lastIndexOf(':');
            host = colon < 0 ? target : target.substring(0, colon);
            port = colon < 0 ? "" : target.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new InvalidStreamNameException(name, "missing host");
        }
        return InetSocketAddress.createUnresolved(host, port.isEmpty() ? DEFAULT_PORT : parsePort(name, port));
    }

    /** Parses {@code [PORT][:IP]} of a passive name; the IP defaults to the wildcard address. */
    static InetSocketAddress parsePassive(String name, String target) throws InvalidStreamNameException {
        int colon = target.indexOf(':');
        String port = colon < 0 ? target : target.substring(0, colon);
        String ip = colon < 0 ? "" : target.substring(colon + 1);
        if (ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        int number = port.isEmpty() ? DEFAULT_PORT : parsePort(name, port);
        if (ip.isEmpty()) {
            return new InetSocketAddress(number);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), number);
        } catch (UnknownHostException e) {
            throw new InvalidStreamNameException(name, "cannot resolve listening address '" + ip + "'");
        }
    }

    /** Resolves an unresolved address, turning failure into a named exception. */
    static InetSocketAddress resolve(String name, InetSocketAddress address) throws UnknownHostException {
        InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
        if (resolved.isUnresolved()) {
            throw new UnknownHostException(name + ": cannot resolve host '" + address.getHostString() + "'");
        }
        return resolved;
    }

    /** Formats an address the way names write it: {@code IP:PORT}, {@code [IPv6]:PORT} or a socket path. */
    static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String ip = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + inet.getPort();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return unix.getPath().toString();
        }
        return String.valueOf(address);
    }

    private static int parsePort(String name, String port) throws InvalidStreamNameException {
        try {
            int number = Integer.parseInt(port);
            if (number >= 0 && number <= 65535) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Reported below with the name.
        }
        throw new InvalidStreamNameException(name, "'" + port + "' is not a port number (0 to 65535)");
    }
}
