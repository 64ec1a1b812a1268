package io.netpersona.bench;

import io.netpersona.learn.CaptureReader;
import io.netpersona.learn.CaptureSummary;
import io.netpersona.learn.Flows;
import io.netpersona.learn.Frame;
import io.netpersona.learn.LinkType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A large Ethernet pcap made of the shared captures' packets, built once and kept in a cache folder:
 * every sound Ethernet capture (the malformed-on-purpose ones and any file that does not read cleanly are
 * left out), one after another, round after round until the size is reached. Timestamps never go back:
 * each file keeps its own spacing (a gap longer than 25 hours shortened to 25 hours, see gap), a second after
 * the file before it, and each round starts 25 hours
 * after the last, so that the flows of a round have gone idle (for either tool) before their addresses
 * come back.
 */
final class BigCapture {
    static final long ROUND_GAP_NANOS = 25 * 3600 * 1_000_000_000L;
    /** The last second a pcap record's unsigned 32-bit seconds can hold. */
    static final long LAST_SECOND = 0xffff_ffffL;

    record Built(Path file, long packets, long bytes, int sourceFiles) {
    }

    private record Source(long[] timestamps, byte[][] frames) {
    }

    private BigCapture() {
    }

    static Built obtain(Path data, Path cache, long size) throws IOException {
        Files.createDirectories(cache);
        // "v2": files built before the gaps were bounded (timestamps wrapping, see gap) are not used again
        Path file = cache.resolve("flows-v2-" + size + ".pcap");
        Path count = cache.resolve("flows-v2-" + size + ".count");
        if (Files.isRegularFile(file) && Files.isRegularFile(count)) {
            String[] c = Files.readString(count).trim().split(" ");
            System.out.printf("capture: %s (cached: %s packets)%n", file, c[0]);
            return new Built(file, Long.parseLong(c[0]), Files.size(file), Integer.parseInt(c[1]));
        }
        List<Source> sources = load(data.resolve("pcap"));
        System.out.printf("capture: building %s from %d captures ...%n", file, sources.size());
        Path partial = cache.resolve(file.getFileName() + ".partial");
        long packets = 0;
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocateDirect(8 << 20).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262_144)
                    .putInt(LinkType.ETHERNET);
            long written = 24, clock = 1_600_000_000L * 1_000_000_000L;
            while (written < size) {
                for (Source s : sources) {
                    long last = clock;
                    for (int i = 0; i < s.frames.length && written < size; i++) {
                        long ts = i == 0 ? clock : last + gap(s.timestamps[i - 1], s.timestamps[i]);
                        last = ts;
                        byte[] f = s.frames[i];
                        if (b.remaining() < 16 + f.length) {
                            drain(out, b);
                        }
                        if (ts / 1_000_000_000L > LAST_SECOND) {
                            throw new IllegalStateException("capture: timestamp " + ts + " ns is past what a pcap"
                                    + " record's 32-bit seconds can hold");
                        }
                        b.putInt((int) (ts / 1_000_000_000L)).putInt((int) (ts % 1_000_000_000L / 1000))
                                .putInt(f.length).putInt(f.length).put(f);
                        written += 16 + f.length;
                        packets++;
                    }
                    clock = last + 1_000_000_000L;
                }
                clock += ROUND_GAP_NANOS;
            }
            drain(out, b);
            // written back before anything is timed: a flush under way would slow whichever tool runs first
            out.force(true);
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(count, packets + " " + sources.size() + "\n");
        return new Built(file, packets, Files.size(file), sources.size());
    }

    /**
     * The time from one of a source's packets to the next as the capture shows it: never backwards, and never
     * more than {@link #ROUND_GAP_NANOS}. Some shared captures jump by decades between packets (broken clocks);
     * kept as they are, round after round, those jumps carried the clock past 2106, where a record's 32-bit
     * seconds wrap (time going back by years) and then past a long's nanoseconds (negative sub-second parts).
     * A 25-hour gap is longer than either tool's idle timeout, so every flow such a jump ends still ends there.
     */
    static long gap(long before, long after) {
        return Math.min(ROUND_GAP_NANOS, Math.max(0, after - before));
    }

    private static void drain(FileChannel out, ByteBuffer b) throws IOException {
        b.flip();
        while (b.hasRemaining()) {
            out.write(b);
        }
        b.clear();
    }

    private static List<Source> load(Path dir) throws IOException {
        List<Source> sources = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        for (Path p : files) {
            String n = p.getFileName().toString();
            if (n.startsWith("fuzz") || n.startsWith("ossfuzz") || n.startsWith("badpackets")) {
                continue;
            }
            CaptureSummary check = Flows.read(p, f -> { });
            if (!check.complete() || check.stats().cutShort() > 0 || check.stats().results().keySet().stream()
                    .anyMatch(r -> !r.inFlow() && r != io.netpersona.learn.DecodeResult.NOT_IP
                            && r != io.netpersona.learn.DecodeResult.FRAGMENT)) {
                continue;
            }
            List<Long> ts = new ArrayList<>();
            List<byte[]> frames = new ArrayList<>();
            boolean ethernet = true;
            try (CaptureReader r = CaptureReader.open(p)) {
                Frame f = new Frame();
                while (r.next(f)) {
                    if (f.linkType() != LinkType.ETHERNET) {
                        ethernet = false;
                        break;
                    }
                    byte[] bytes = new byte[f.capturedLength()];
                    f.buffer().get(f.offset(), bytes);
                    frames.add(bytes);
                    ts.add(f.timestampNanos());
                }
            }
            if (ethernet && !frames.isEmpty()) {
                sources.add(new Source(ts.stream().mapToLong(Long::longValue).toArray(), frames.toArray(byte[][]::new)));
            }
        }
        return sources;
    }
}
