package io.streamreplay.replay;

import com.github.luben.zstd.util.Native;
import java.util.Locale;

/**
 * Whether Zstandard's native library loads on this machine, and if not, a message that says so. zstd-jni carries
 * one native library per platform, and the runnable jars keep five of them (Linux and macOS on x86_64 and aarch64,
 * Windows on x86_64: the shade filter in the parent pom). Elsewhere zstd-jni throws {@link UnsatisfiedLinkError} at
 * its first use and {@link NoClassDefFoundError} at every later one; callers ask here first instead, before
 * recording with compression or reading a compressed block, and report the message as their own error.
 *
 * <p>Thread-safe: the library is loaded, or found missing, once per JVM.
 */
final class ZstdNative {

    private ZstdNative() {
    }

    /** Null when Zstandard can be used here; otherwise why not, naming this platform. */
    static String unavailable() {
        return Probe.PROBLEM;
    }

    /** Loaded on first use, so that a process that never compresses never loads the native library. */
    private static final class Probe {
        static final String PROBLEM = probe();
    }

    private static String probe() {
        try {
            Native.load();
            return null;
        } catch (LinkageError e) {
            // UnsatisfiedLinkError: no library for this platform in the jar, nor on java.library.path.
            return "Zstandard is not available on this platform (" + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch").toLowerCase(Locale.ROOT) + "): this build has no native"
                    + " library for it (" + String.valueOf(e.getMessage()).replace('\n', ' ').strip() + ")";
        }
    }
}
