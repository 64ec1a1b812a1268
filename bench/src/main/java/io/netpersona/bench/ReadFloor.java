package io.netpersona.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The least a JVM process can do with the benchmark's capture, for the floor under {@code persona flows}:
 * {@code read} only reads the file through an 8 MiB buffer (a JVM's start and the page cache's copy), and
 * {@code records} also walks its pcap records (what finding the frames costs, nothing decoded). {@code mapped}
 * walks the records straight from one mapping of the whole file, with no copy, and drops the pages behind it
 * ({@code madvise}), so that its resident memory does not grow with the file: what reading without copies
 * would cost. Each prints what it counted, so that no work can be left out.
 */
public final class ReadFloor {
    private static final int BUFFER = 8 << 20;
    /** How far behind the walk the mapped pages are dropped: a step of the walk, aligned to huge pages. */
    private static final long DROP_BYTES = 64L << 20;
    private static final int MADV_SEQUENTIAL = 2, MADV_DONTNEED = 4;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ReadFloor() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !(args[0].equals("read") || args[0].equals("records") || args[0].equals("mapped"))) {
            System.err.println("usage: ReadFloor read|records|mapped FILE");
            System.exit(2);
        }
        Path file = Path.of(args[1]);
        long n = switch (args[0]) {
            case "read" -> read(file);
            case "records" -> records(file);
            default -> mappedRecords(file);
        };
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

    /**
     * {@link #records} from one read-only mapping of the whole file: each record's header read where the page
     * cache holds it, and every {@link #DROP_BYTES} the pages already walked dropped from this process.
     */
    static long mappedRecords(Path file) throws IOException {
        MethodHandle madvise = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("madvise").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        long records = 0;
        try (FileChannel ch = FileChannel.open(file); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            advise(madvise, m, 0, size, MADV_SEQUENTIAL);
            long pos = 24, dropped = 0;
            while (pos + 16 <= size) {
                int captured = m.get(INT_LE, pos + 8);
                if (captured < 0 || captured > 262_144 || pos + 16 + captured > size) {
                    throw new IOException(file + ": record " + (records + 1) + ": captured length " + captured);
                }
                records++;
                pos += 16 + captured;
                if (pos - dropped >= 2 * DROP_BYTES) {
                    advise(madvise, m, dropped, DROP_BYTES, MADV_DONTNEED);
                    dropped += DROP_BYTES;
                }
            }
        }
        return records;
    }

    private static void advise(MethodHandle madvise, MemorySegment m, long offset, long length, int advice) throws IOException {
        int result;
        try {
            result = (int) madvise.invokeExact(m.asSlice(offset, length), length, advice);
        } catch (Throwable t) {
            throw new IOException("madvise(" + advice + ") failed", t);
        }
        if (result != 0) {
            throw new IOException("madvise(" + advice + ") at offset " + offset + " returned " + result);
        }
    }
}
