package io.streamreplay.testing;

/**
 * The JUnit tags that divide the tests into tiers. {@code mvn verify} runs every tier; {@code mvn verify -Phermetic}
 * leaves out {@link #SYSTEM}, so that it needs nothing but a JDK and Maven: no root, no package installs, no network.
 */
public final class Tiers {

    /**
     * Tests that use the machine beyond the JDK: they install Debian packages (Open vSwitch, Chromium) when missing,
     * or mount a file system, so they need root or password-less sudo and the package registry.
     */
    public static final String SYSTEM = "system";

    private Tiers() {
    }
}
