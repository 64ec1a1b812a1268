package io.netpersona.learn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the frames of a pcap or pcapng file one after another, in constant memory (one buffer of
 * {@link #BUFFER_BYTES}), whatever the file's size. The format is found from the file's first bytes,
 * never from its name.
 *
 * <p>Not thread-safe: one reader, one thread. A structure that cannot be read on (an absurd length, a
 * record cut short by the end of the file) ends the reading with a {@link CaptureException} that names
 * the file and the offset; every frame returned before it is sound as far as the container goes.
 */
public sealed interface CaptureReader extends AutoCloseable permits FileCaptureReader {
    /** The reader's buffer; also the largest record it accepts. */
    int BUFFER_BYTES = 8 << 20;

    /**
     * Opens a capture.
     *
     * @throws CaptureException when the file is missing, unreadable or neither pcap nor pcapng
     */
    static CaptureReader open(Path file) {
        ChunkedInput in;
        try {
            in = new ChunkedInput(file, BUFFER_BYTES);
        } catch (NoSuchFileException e) {
            throw new CaptureException(file, -1, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new CaptureException(file, -1, "permission denied", e);
        } catch (IOException e) {
            throw new CaptureException(file, -1, "cannot open: " + e.getMessage(), e);
        }
        return open(in);
    }

    /**
     * Reads a capture from a stream (a live capture's pipe), as it arrives; {@code name} stands for the
     * stream in messages and flows. {@link #size()} is the bytes read so far. Closing the reader closes the stream.
     *
     * @throws CaptureException when the stream ends before a header or does not start like a capture
     */
    static CaptureReader open(InputStream stream, String name) {
        return open(new ChunkedInput(Channels.newChannel(stream), java.nio.file.Path.of(name), BUFFER_BYTES));
    }

    private static CaptureReader open(ChunkedInput in) {
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

    CaptureFormat format();

    /** The file being read. */
    Path file();

    /**
     * Points {@code frame} at the next frame; false at the end of the file.
     *
     * @throws CaptureException when the file's structure is broken at this point (nothing after it is read)
     */
    boolean next(Frame frame);

    /** Bytes of the file read so far. */
    long position();

    /** The file's size in bytes. */
    long size();

    @Override
    void close();
}
