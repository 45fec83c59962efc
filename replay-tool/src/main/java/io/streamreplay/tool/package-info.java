/**
 * {@code replay-tool}: reads recordings through the library's {@code RecordingReader}, never through the replay
 * machinery, so that it can show a recording that would not replay. One Picocli class per command on
 * {@code RecordingCommand}; {@code RecordingStats} and {@code TimelinePage} compute and draw what they show.
 */
package io.streamreplay.tool;
