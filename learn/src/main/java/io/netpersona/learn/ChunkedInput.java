package io.netpersona.learn;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A window over a file in one direct buffer: records are decoded where they lie, and the window slides
 * (compact, then a read of {@link #READ_BYTES}) when a record crosses its end. Memory is the buffer,
 * whatever the size of the file. A stream (a live capture's pipe) works the same way, with no size known
 * and skips read through.
 */
final class ChunkedInput implements AutoCloseable {
    static final int READ_BYTES = 256 * 1024;

    /**
     * Where a sliding window gets its next buffer instead of compacting the one it has, so that the bytes
     * already handed out stay as they are for whoever still reads them (another thread's decoder output).
     */
    interface Rotation {
        /**
         * Takes {@code retired} (no frame handed out later lies in it) and returns an empty buffer of the
         * same capacity and byte order.
         *
         * @throws InterruptedIOException when the wait for a free buffer is interrupted
         */
        ByteBuffer next(ByteBuffer retired) throws InterruptedIOException;
    }

    final Path file;
    /** The window; replaced, not compacted, when there is a {@link Rotation}. */
    ByteBuffer buf;
    private final Rotation rotation;
    private final int readBytes;
    private final ReadableByteChannel channel;
    /** The file's size, or {@link Long#MAX_VALUE} for a stream (whose end is found by reading). */
    private final long size;
    /** File offset of buf[0]. */
    private long base;
    /** The next unread byte in buf. */
    int pos;
    /** The end of the valid bytes in buf. */
    private int limit;
    private boolean eof;

    /** @param capacity the largest buffer; a smaller file gets a buffer of its own size */
    ChunkedInput(Path file, int capacity) throws IOException {
        this(file, capacity, null, READ_BYTES);
    }

    /**
     * @param rotation where buffers come from when the window slides, or null to compact one buffer
     * @param readBytes how much one read asks for
     */
    ChunkedInput(Path file, int capacity, Rotation rotation, int readBytes) throws IOException {
        this.file = file;
        FileChannel c = FileChannel.open(file, StandardOpenOption.READ);
        this.channel = c;
        this.size = c.size();
        this.rotation = rotation;
        this.readBytes = readBytes;
        this.buf = ByteBuffer.allocateDirect(bufferBytes(capacity, size)).order(ByteOrder.BIG_ENDIAN);
    }

    /** The buffer a file of {@code size} bytes needs, at most {@code capacity}. */
    static int bufferBytes(int capacity, long size) {
        return (int) Math.min(capacity, Math.max(64 * 1024, size));
    }

    /** A stream under a name of its own; the buffer is {@code capacity}, as no size says it could be smaller. */
    ChunkedInput(ReadableByteChannel stream, Path name, int capacity) {
        this.file = name;
        this.channel = stream;
        this.size = Long.MAX_VALUE;
        this.rotation = null;
        this.readBytes = READ_BYTES;
        this.buf = ByteBuffer.allocateDirect(capacity).order(ByteOrder.BIG_ENDIAN);
    }

    boolean isStream() {
        return !(channel instanceof FileChannel);
    }

    int capacity() {
        return buf.capacity();
    }

    /** The file's size; for a stream, the bytes read so far (its size once it has ended). */
    long size() {
        return isStream() ? base + limit : size;
    }

    /** The file offset of the next unread byte. */
    long offset() {
        return base + pos;
    }

    int available() {
        return limit - pos;
    }

    /** Makes {@code n} bytes readable from {@link #pos}; false when the file ends first. */
    boolean request(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        if (n > buf.capacity()) {
            if (base + pos + n > size) {
                return false;
            }
            throw new IllegalArgumentException("request of " + n + " bytes (expected: at most " + buf.capacity() + ")");
        }
        if (pos > 0 && rotation != null) {
            ByteBuffer old = buf;
            ByteBuffer fresh = rotation.next(old);
            // an absolute copy: the old buffer's position and limit belong to its readers now
            fresh.clear().put(0, old, pos, limit - pos);
            buf = fresh;
            base += pos;
            limit -= pos;
            pos = 0;
        } else if (pos > 0) {
            buf.limit(limit).position(pos);
            buf.compact();
            base += pos;
            limit -= pos;
            pos = 0;
        }
        while (limit - pos < n && !eof) {
            // small reads keep the bytes being decoded in the core's own cache; the buffer's size only
            // bounds the largest record
            buf.limit((int) Math.min(buf.capacity(), Math.max(limit + readBytes, pos + (long) n))).position(limit);
            int read = channel.read(buf);
            if (read < 0) {
                eof = true;
            } else {
                limit += read;
            }
        }
        return limit - pos >= n;
    }

    /** Skips {@code n} bytes, reading none of those past the window; false when the file ends first. */
    boolean skip(long n) throws IOException {
        if (n <= limit - pos) {
            pos += (int) n;
            return true;
        }
        long target = base + pos + n;
        if (isStream()) {
            return skipStream(n - (limit - pos));
        }
        if (target > size) {
            pos = limit;
            return false;
        }
        ((FileChannel) channel).position(target);
        if (rotation != null) {
            buf = rotation.next(buf);
        }
        base = target;
        pos = 0;
        limit = 0;
        eof = false;
        return true;
    }

    /** Reads past {@code rest} bytes beyond the window, through the buffer (a pipe cannot seek). */
    private boolean skipStream(long rest) throws IOException {
        base += limit;
        pos = 0;
        limit = 0;
        while (rest > 0) {
            buf.limit((int) Math.min(buf.capacity(), rest)).position(0);
            int read = channel.read(buf);
            if (read < 0) {
                eof = true;
                return false;
            }
            base += read;
            rest -= read;
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
