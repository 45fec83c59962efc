/**
 * {@code replay-tool drive}: sends the client traffic of a recording to a live server and compares what comes back.
 *
 * <p>{@link io.streamreplay.tool.drive.Workload} reads the recording (through the library's public
 * {@code RecordingReader} only) into one {@link io.streamreplay.tool.drive.RecordedConnection} per recorded client
 * connection: the steps to take (open, send, shut down, reset), each with the replies it must wait for, and the
 * replies the recorded server gave, in full (a stream-proxy recording) or as length and CRC-32C (a library server's
 * recording). {@link io.streamreplay.tool.drive.Schedule} turns recorded time into drive time (pace, rate, gaps).
 * {@link io.streamreplay.tool.drive.Driver} runs the steps on one poll loop, one
 * {@link io.streamreplay.tool.drive.LiveConnection} per recorded connection, and compares every reply as it arrives
 * ({@link io.streamreplay.tool.drive.ReplyComparison}, {@link io.streamreplay.tool.drive.DigestCheck},
 * {@link io.streamreplay.tool.drive.ByteCheck}); {@link io.streamreplay.tool.drive.DriveReport} adds it up.
 *
 * <p>Everything runs on the loop's thread and reads time from the loop's clock only.
 */
package io.streamreplay.tool.drive;
