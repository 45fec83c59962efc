package io.streamreplay.replay;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Constants of the replay file format, version {@value #VERSION}, and the rule that names files. All integers are
 * big-endian. The full specification is {@code docs/replay-format.md}.
 */
final class ReplayFormat {

    /** The first eight bytes of every replay file. */
    static final byte[] MAGIC = {'S', 'R', 'P', 'L', 'A', 'Y', '\r', '\n'};
    /**
     * The first version whose process may hold output back per loop iteration (the manifest's {@code output}) and
     * whose ticks may open an iteration that goes on to other events. Its files are those of version 3; the number
     * changed so that a build that reads at most version 3 refuses such a recording, naming the version, instead of
     * replaying it and diverging where the held output makes the recorded order differ from its own.
     */
    static final int OUTPUT_VERSION = 4;
    /** The format version this build writes and the highest it reads. */
    static final int VERSION = OUTPUT_VERSION;
    /** The first version that records time: iteration marks and ticks. Earlier recordings replay without. */
    static final int TIME_VERSION = 2;
    /**
     * The first version whose records are grouped in blocks ({@link BlockFormat}), each with one checksum, with
     * compact record headers; earlier files hold records with a 29-byte header each.
     */
    static final int BLOCK_VERSION = 3;
    /**
     * In a record's type byte (format 2): the record is the first of a loop iteration, and its time is the time the
     * whole iteration saw. The type's code is in the other seven bits.
     */
    static final int ITERATION_FLAG = 0x80;
    /** In a file header's flags byte (format 2): the stream's transport wants inactivity probes. */
    static final int NEEDS_PROBES_FLAG = 0x01;
    /**
     * Bytes before the payload of a record in formats 1 and 2: header crc32c, payload crc32c, length, type, sequence number, time.
     * The header checksum covers the 25 bytes after it, so a damaged length is detected before it is trusted.
     */
    static final int RECORD_HEADER = 4 + 4 + 4 + 1 + 8 + 8;
    /** Bytes of a file header before its name: magic, version, kind, reserved, open sequence, name length. */
    static final int FILE_HEADER_FIXED = 8 + 2 + 1 + 1 + 8 + 2;
    /** The largest payload a record may have; larger reads and writes are split. */
    static final int MAX_PAYLOAD = 16 << 20;
    /** Suffix of replay files. */
    static final String SUFFIX = ".srr";
    /** The manifest's file name. */
    static final String MANIFEST = "manifest.json";
    /** The lock held by the recording process. */
    static final String LOCK = ".lock";

    private static final Pattern STREAM_FILE = Pattern.compile("(\\d{8,19})-[A-Za-z-]*\\" + SUFFIX);

    private ReplayFormat() {
    }

    /**
     * The file of the stream opened at {@code seq}: the sequence number, then the name with every run of digits
     * and punctuation folded into one dash (ports, PIDs and addresses change between runs; the order of opening
     * does not).
     */
    static Path streamFile(Path dir, long seq, String name) {
        return dir.resolve(String.format("%08d-%s%s", seq, fold(name), SUFFIX));
    }

    /** The file of the loop iterations' ticks. */
    static Path timeFile(Path dir) {
        return dir.resolve("time" + SUFFIX);
    }

    /** The file of the recorded source {@code name}. */
    static Path sourceFile(Path dir, String name) {
        return dir.resolve("source-" + fold(name) + SUFFIX);
    }

    /** Bytes of the header of a file whose name is {@code nameLength} bytes: the fixed part, the name, a CRC. */
    static int fileHeaderLength(int nameLength) {
        return FILE_HEADER_FIXED + nameLength + 4;
    }

    /**
     * The sequence number at which the stream of {@code file} was opened, read from its name ({@link #streamFile}),
     * or -1 for a source's file or a name of another form: for a file whose header is cut short.
     */
    static long openSeqOf(Path file) {
        Matcher matcher = STREAM_FILE.matcher(file.getFileName().toString());
        if (!matcher.matches()) {
            return -1;
        }
        try {
            return Long.parseLong(matcher.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String fold(String name) {
        String folded = name.replaceAll("[^A-Za-z]+", "-").replaceAll("^-+|-+$", "");
        if (folded.length() > 48) {
            folded = folded.substring(0, 48);
        }
        return folded.isEmpty() ? "stream" : folded;
    }
}
