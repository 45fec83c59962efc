package io.streamreplay.dbserver.testing;

import io.streamreplay.testing.Programs;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Open vSwitch's own tools ({@code ovsdb-client}, {@code ovsdb-tool}, {@code ovs-appctl}), installed from the
 * Debian packages when missing; run them with {@link Programs}.
 */
public final class OpenVswitchTools {

    private static boolean checked;

    private OpenVswitchTools() {
    }

    /** The Python IDL, shipped with {@code python3-openvswitch} for the system Python. */
    public static final Path PYTHON_IDL = Path.of("/usr/lib/python3/dist-packages/ovs/db/idl.py");
    /** The system Python, which {@code python3-openvswitch} installs into. */
    public static final String PYTHON = "/usr/bin/python3";

    /** The Open_vSwitch schema, shipped with {@code openvswitch-switch}. */
    public static final Path VSWITCH_SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");

    /**
     * Installs {@code openvswitch-common} (ovsdb-client, ovsdb-tool, ovs-appctl), {@code openvswitch-switch}
     * (ovs-vsctl and the Open_vSwitch schema) and {@code python3-openvswitch} (the Python IDL) unless they are
     * already there.
     */
    public static synchronized void ensureInstalled() throws Exception {
        if (!checked) {
            Programs.ensureDebianPackages(() -> Programs.onPath("ovsdb-client") && Programs.onPath("ovs-vsctl")
                    && Files.exists(VSWITCH_SCHEMA) && Files.exists(PYTHON_IDL),
                    "openvswitch-common", "openvswitch-switch", "python3-openvswitch");
            checked = true;
        }
    }
}
