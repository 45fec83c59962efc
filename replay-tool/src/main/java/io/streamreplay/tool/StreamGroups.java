package io.streamreplay.tool;

import io.streamreplay.replay.RecordingReader.RecordedFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files of a recording grouped as an operator looks at a server's traffic: by the listener that accepted each
 * connection (with the streams the program opened itself, and its recorded values, as groups of their own), and by
 * the peer's host. A server with thousands of short connections then reads as a few listeners and peers instead of
 * thousands of ports. Memory grows with the number of files. Not thread-safe.
 */
final class StreamGroups {

    /** The group of the streams the program opened itself. */
    static final String OPENED = "opened by the program";
    /** The group of recorded values (random seeds, clock readings). */
    static final String VALUES = "recorded values";
    /** The peer of connections on Unix sockets, which have no address. */
    static final String LOCAL = "local (Unix socket)";

    /** A listener's or a peer's streams, and their totals. */
    static final class Group {
        final String name;
        final List<Member> members = new ArrayList<>();
        final Set<String> related = new LinkedHashSet<>();
        long connections;
        long events;
        long bytesIn;
        long bytesOut;
        long errors;
        long firstSeq = -1;
        long lastSeq = -1;
        long firstTime = -1;
        long lastTime;

        Group(String name) {
            this.name = name;
        }

        void add(Member member, boolean connection) {
            members.add(member);
            RecordingStats.StreamStats stats = member.stats();
            connections += connection ? 1 : 0;
            events += stats.events;
            bytesIn += stats.bytesIn;
            bytesOut += stats.bytesOut;
            errors += stats.errors;
            if (stats.firstSeq >= 0 && (firstSeq < 0 || stats.firstSeq < firstSeq)) {
                firstSeq = stats.firstSeq;
                firstTime = stats.first;
            }
            if (stats.lastSeq > lastSeq) {
                lastSeq = stats.lastSeq;
                lastTime = stats.last;
            }
        }

        /** The {@code limit} members with the most events, busiest first. */
        List<Member> busiest(int limit) {
            List<Member> sorted = new ArrayList<>(members);
            sorted.sort(Comparator.comparingLong((Member m) -> m.stats().events).reversed());
            return sorted.subList(0, Math.min(limit, sorted.size()));
        }
    }

    /** One file: its stream's figures, the peer it was accepted from (or empty), its listener group. */
    record Member(RecordingStats.StreamStats stats, String peer, String listener) {
    }

    private final Map<String, Group> byListener = new LinkedHashMap<>();
    private final Map<String, Group> byPeer = new LinkedHashMap<>();
    private final Map<String, String> listenerOfFile = new HashMap<>();
    private final Map<String, String> peerOfFile = new HashMap<>();

    StreamGroups(RecordingStats stats, List<RecordedFile> files) {
        Map<String, RecordingStats.StreamStats> byFile = new HashMap<>();
        stats.streams().forEach(s -> byFile.put(s.file, s));
        Map<String, String> listenerNames = new HashMap<>();
        for (RecordedFile file : files) {
            if (file.kind().equals("passive stream")) {
                String fileName = file.path().getFileName().toString();
                listenerNames.put(fileName, stats.boundNames().getOrDefault(fileName, file.name()));
            }
        }
        for (RecordedFile file : files) {
            String fileName = file.path().getFileName().toString();
            RecordingStats.StreamStats own = byFile.computeIfAbsent(fileName,
                    f -> new RecordingStats.StreamStats(file.name(), f));
            switch (file.kind()) {
                case "passive stream" -> add(fileName, new Member(own, "", listenerNames.get(fileName)), false, null);
                case "source" -> add(fileName, new Member(own, "", VALUES), false, null);
                default -> {
                    RecordingStats.Accept accept = stats.accepts().get(file.openSeq());
                    if (accept == null) {
                        add(fileName, new Member(own, "", OPENED), false, host(file.name()));
                    } else {
                        String listener = listenerNames.getOrDefault(accept.listenerFile(), accept.listenerFile());
                        add(fileName, new Member(own, accept.peer(), listener), true, accept.peer().isEmpty() ? LOCAL
                                : host(accept.peer()));
                    }
                }
            }
        }
    }

    private void add(String fileName, Member member, boolean connection, String peer) {
        byListener.computeIfAbsent(member.listener(), Group::new).add(member, connection);
        listenerOfFile.put(fileName, member.listener());
        if (peer != null) {
            Group group = byPeer.computeIfAbsent(peer, Group::new);
            group.add(member, connection);
            group.related.add(member.listener());
            peerOfFile.put(fileName, peer);
        }
    }

    /**
     * The host of an address ({@code 10.0.0.1:5555} gives {@code 10.0.0.1}, {@code [::1]:5555} gives {@code [::1]})
     * or of a stream name ({@code tcp:10.0.0.1:6640} gives {@code 10.0.0.1}).
     */
    static String host(String address) {
        String rest = address.matches("[a-z]+:.*") ? address.substring(address.indexOf(':') + 1) : address;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            return close < 0 ? rest : rest.substring(0, close + 1);
        }
        if (address.startsWith("unix:") || address.startsWith("punix:")) {
            return LOCAL;
        }
        int colon = rest.lastIndexOf(':');
        return colon < 0 ? rest : rest.substring(0, colon);
    }

    /** The listener groups, then the program's own streams and its values, in the order of the files. */
    List<Group> listeners() {
        return new ArrayList<>(byListener.values());
    }

    /** The peers, with the most events first. */
    List<Group> peers() {
        List<Group> sorted = new ArrayList<>(byPeer.values());
        sorted.sort(Comparator.comparingLong((Group g) -> g.events).reversed());
        return sorted;
    }

    /** The listener group of the file named {@code fileName}. */
    String listenerOf(String fileName) {
        return listenerOfFile.get(fileName);
    }

    /** The peer group of the file named {@code fileName}, or null (listeners and values have none). */
    String peerOf(String fileName) {
        return peerOfFile.get(fileName);
    }
}
