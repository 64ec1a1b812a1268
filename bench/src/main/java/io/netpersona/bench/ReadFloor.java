package io.netpersona.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The least a JVM process can do with the benchmark's capture, for the floor under {@code persona flows}:
 * {@code read} only reads the file through an 8 MiB buffer (a JVM's start and the page cache's copy), and
 * {@code records} also walks its pcap records (what finding the frames costs, nothing decoded). Each prints
 * what it counted, so that no work can be left out.
 */
public final class ReadFloor {
    private static final int BUFFER = 8 << 20;

    private ReadFloor() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !(args[0].equals("read") || args[0].equals("records"))) {
            System.err.println("usage: ReadFloor read|records FILE");
            System.exit(2);
        }
        Path file = Path.of(args[1]);
        long n = args[0].equals("read") ? read(file) : records(file);
        System.out.println(n);
    }

    /** Bytes read. */
    static long read(Path file) throws IOException {
        long total = 0;
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocateDirect(BUFFER);
            for (int r; (r = ch.read(b)) >= 0; b.clear()) {
                total += r;
            }
        }
        return total;
    }

    /**
     * Records of a little-endian pcap (as {@link BigCapture} writes it): each record's header read for its
     * captured length, the next record found from it.
     */
    static long records(Path file) throws IOException {
        long records = 0;
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
            b.limit(0);
            long skip = 24;
            while (true) {
                if (skip > 0) {
                    int here = (int) Math.min(skip, b.remaining());
                    b.position(b.position() + here);
                    skip -= here;
                    if (skip > 0) {
                        b.clear();
                        if (ch.read(b) < 0) {
                            return records;
                        }
                        b.flip();
                        continue;
                    }
                }
                if (b.remaining() < 16) {
                    b.compact();
                    if (ch.read(b) < 0) {
                        return records;
                    }
                    b.flip();
                    if (b.remaining() < 16) {
                        return records;
                    }
                }
                int captured = b.getInt(b.position() + 8);
                if (captured < 0 || captured > 262_144) {
                    throw new IOException(file + ": record " + (records + 1) + ": captured length " + captured);
                }
                records++;
                b.position(b.position() + 16);
                skip = captured;
            }
        }
    }
}
