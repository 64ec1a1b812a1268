package io.netpersona.learn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** What both readers share: the file they read through one {@link ChunkedInput}, and where they are in it. */
abstract sealed class FileCaptureReader implements CaptureReader permits PcapReader, PcapngReader {
    final ChunkedInput in;

    FileCaptureReader(ChunkedInput in) {
        this.in = in;
    }

    /** The reader for what {@code in} holds, found from its first bytes; closes {@code in} when there is none. */
    static CaptureReader open(ChunkedInput in) {
        Path file = in.file;
        try {
            if (!in.request(4)) {
                throw new CaptureException(file, -1, "not a capture: " + in.available()
                        + " bytes (expected: a pcap or pcapng file)");
            }
            int magic = in.buf.getInt(in.pos);
            return switch (magic) {
                case PcapngReader.SECTION_HEADER -> new PcapngReader(in);
                case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1 -> new PcapReader(in);
                default -> throw new CaptureException(file, 0, String.format(
                        "not a capture: starts with 0x%08x (expected: a pcap or pcapng magic number)", magic));
            };
        } catch (IOException e) {
            closeQuietly(in);
            throw new CaptureException(file, -1, "cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
    }

    private static void closeQuietly(ChunkedInput in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the open failed already; that failure is the one worth reporting
        }
    }

    @Override
    public Path file() {
        return in.file;
    }

    @Override
    public long position() {
        return in.offset();
    }

    @Override
    public long size() {
        return in.size();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
