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
        return FileCaptureReader.open(in);
    }

    /**
     * Reads a capture from a stream (a live capture's pipe), as it arrives; {@code name} stands for the
     * stream in messages and flows. {@link #size()} is the bytes read so far. Closing the reader closes the stream.
     *
     * @throws CaptureException when the stream ends before a header or does not start like a capture
     */
    static CaptureReader open(InputStream stream, String name) {
        return FileCaptureReader.open(new ChunkedInput(Channels.newChannel(stream), java.nio.file.Path.of(name), BUFFER_BYTES));
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
