package io.streamreplay.stream;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Resolves a stream name to its {@link Transport} by the prefix before the first colon, and opens it: the live
 * {@link StreamProvider}.
 *
 * <p>Registration happens at start-up; lookups are then read-only, so a configured registry may be shared.
 */
public final class TransportRegistry implements StreamProvider {

    private final Map<String, Transport> transports = new LinkedHashMap<>();

    /** A registry with {@code tcp}, {@code unix} and {@code ssl}; {@code tls} configures the last. */
    public static TransportRegistry standard(TlsConfig tls) {
        TransportRegistry registry = new TransportRegistry();
        registry.register(new TcpTransport());
        registry.register(new UnixTransport());
        registry.register(new SslTransport(tls));
        return registry;
    }

    /** Adds {@code transport}; its prefix must not be taken. */
    public TransportRegistry register(Transport transport) {
        Transport previous = transports.putIfAbsent(transport.prefix(), transport);
        if (previous != null) {
            throw new IllegalStateException("transport prefix '" + transport.prefix() + "' is already registered");
        }
        return this;
    }

    @Override
    public Stream open(String name) throws IOException {
        String[] parts = split(name);
        Transport transport = transports.get(parts[0]);
        if (transport == null) {
            throw new InvalidStreamNameException(name, "unknown stream type '" + parts[0] + "' (known: "
                    + String.join(", ", transports.keySet()) + ")");
        }
        return transport.open(name, parts[1]);
    }

    @Override
    public PassiveStream listen(String name) throws IOException {
        String[] parts = split(name);
        Transport transport = parts[0].startsWith("p") ? transports.get(parts[0].substring(1)) : null;
        if (transport == null) {
            throw new InvalidStreamNameException(name, "unknown passive stream type '" + parts[0] + "' (known: "
                    + transports.keySet().stream().map(p -> "p" + p).collect(Collectors.joining(", ")) + ")");
        }
        return transport.listen(name, parts[1]);
    }

    /**
     * Checks that {@code name} is one this registry can open or listen on (a known prefix, a well-formed address),
     * without opening anything.
     *
     * @throws InvalidStreamNameException saying what is wrong, and for an unknown prefix which are known
     */
    public void check(String name) throws InvalidStreamNameException {
        String[] parts = split(name);
        Transport transport = transports.get(parts[0]);
        boolean passive = transport == null && parts[0].startsWith("p");
        if (passive) {
            transport = transports.get(parts[0].substring(1));
        }
        if (transport == null) {
            throw new InvalidStreamNameException(name, "unknown stream type '" + parts[0] + "' (known: "
                    + String.join(", ", transports.keySet()) + ", and "
                    + transports.keySet().stream().map(p -> "p" + p).collect(Collectors.joining(", "))
                    + " to listen)");
        }
        transport.check(name, parts[1], passive);
    }

    /** Usage lines of every transport, active then passive forms, for help texts. */
    public List<String> usage() {
        return transports.values().stream().map(Transport::usage).collect(Collectors.toList());
    }

    private static String[] split(String name) throws InvalidStreamNameException {
        int colon = name.indexOf(':');
        if (colon <= 0) {
            throw new InvalidStreamNameException(name, "a stream name has the form TYPE:ADDRESS");
        }
        return new String[] {name.substring(0, colon), name.substring(colon + 1)};
    }
}
