package io.streamreplay.stream;

import java.io.IOException;

/**
 * One kind of socket: opens active streams named {@code PREFIX:TARGET} and listeners named {@code pPREFIX:TARGET}.
 *
 * <p>A transport knows only its addresses and sockets; it never knows about recording or replay. Implementations
 * are stateless apart from configuration and may be shared; the streams they create are loop-thread only.
 */
public interface Transport {

    /** The active prefix, such as {@code tcp}; the passive prefix is {@code "p" + prefix()}. */
    String prefix();

    /** One line of help per form, for {@code --help} texts, e.g. {@code "tcp:HOST[:PORT]  TCP connection"}. */
    String usage();

    /**
     * Starts connecting.
     *
     * @param name the full name, for messages and for {@link Stream#name()}
     * @param target the part after the prefix and its colon
     */
    Stream open(String name, String target) throws IOException;

    /**
     * Starts listening.
     *
     * @param name the full name, for messages
     * @param target the part after the passive prefix and its colon
     */
    PassiveStream listen(String name, String target) throws IOException;

    /**
     * Checks the syntax of a name's target without opening anything, so that a program can refuse a malformed name
     * at start instead of failing on it later. The default accepts every target.
     *
     * @param passive whether the name is a listener's ({@code pPREFIX:TARGET})
     * @throws InvalidStreamNameException saying what is wrong
     */
    default void check(String name, String target, boolean passive) throws InvalidStreamNameException {
    }
}
