package io.netpersona.learn;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
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

    /**
     * Where a mapped file's windows go when the input moves on (see {@link #mapped}): the arena that maps a window
     * is closed, now or once whoever still reads frames in it is done, and a mapping is released only by that close.
     */
    interface Unmapping {
        /**
         * Takes {@code window} and the arena that maps it; may wait until there is room for the next window.
         *
         * @throws InterruptedIOException when the wait is interrupted
         */
        void retire(ByteBuffer window, Arena arena) throws InterruptedIOException;
    }

    private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);

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
    /** For a mapped file: the arena that maps the window (null before the first), and the size of a window. */
    private final boolean mapped;
    private final Unmapping unmapping;
    private Arena arena;
    private final int windowBytes;

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
        this.mapped = false;
        this.unmapping = null;
        this.windowBytes = 0;
    }

    /**
     * A file read through windows of {@code windowBytes} mapped into memory, one after another: nothing is copied
     * (frames are decoded where the page cache holds them), and memory is the windows not yet retired. A record
     * that crosses a window's end starts the next window.
     *
     * @param unmapping takes each window the input leaves, or null to unmap it at once
     */
    ChunkedInput(Path file, Unmapping unmapping, int windowBytes) throws IOException {
        this.file = file;
        FileChannel c = FileChannel.open(file, StandardOpenOption.READ);
        this.channel = c;
        this.size = c.size();
        this.rotation = null;
        this.readBytes = 0;
        this.buf = NO_BYTES;
        this.mapped = true;
        this.unmapping = unmapping;
        this.windowBytes = windowBytes;
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
        this.mapped = false;
        this.unmapping = null;
        this.windowBytes = 0;
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
        if (mapped) {
            return map(n);
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

    /** Maps the window that starts at the next unread byte, holding at least {@code n} bytes if the file has them. */
    private boolean map(int n) throws IOException {
        long at = base + pos;
        long length = Math.min(size - at, Math.max(n, windowBytes));
        if (base + limit >= size || length <= limit - pos) {
            // the window reaches the end of the file already
            return false;
        }
        retireWindow();
        Arena fresh = Arena.ofShared();
        try {
            buf = ((FileChannel) channel).map(FileChannel.MapMode.READ_ONLY, at, length, fresh).asByteBuffer()
                    .order(ByteOrder.BIG_ENDIAN);
        } catch (IOException | RuntimeException e) {
            fresh.close();
            buf = NO_BYTES;
            throw e;
        }
        arena = fresh;
        base = at;
        pos = 0;
        limit = (int) length;
        return limit >= n;
    }

    /** Hands the window to {@link #unmapping}, or unmaps it; the input has no window until it maps the next. */
    private void retireWindow() throws InterruptedIOException {
        Arena a = arena;
        if (a == null) {
            return;
        }
        ByteBuffer w = buf;
        arena = null;
        buf = NO_BYTES;
        base += pos;
        limit -= pos;
        pos = 0;
        if (unmapping == null) {
            a.close();
        } else {
            unmapping.retire(w, a);
        }
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
        if (mapped) {
            retireWindow();
            base = target;
            pos = 0;
            limit = 0;
            return true;
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
        if (arena != null) {
            arena.close();
            arena = null;
            buf = NO_BYTES;
        }
        channel.close();
    }
}
