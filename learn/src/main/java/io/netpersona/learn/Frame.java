package io.netpersona.learn;

import java.nio.ByteBuffer;

/**
 * One captured frame, as a reusable view into the reader's buffer: a reader overwrites it on every
 * {@link CaptureReader#next(Frame)}, so nothing here may be kept after the next call. The bytes are
 * {@code buffer()} from {@code offset()} for {@code capturedLength()} bytes; the buffer is big-endian and
 * must not be modified.
 */
public final class Frame {
    ByteBuffer buffer;
    int offset;
    int capturedLength;
    int originalLength;
    long timestampNanos;
    int linkType;
    int interfaceId;
    long fileOffset;
    long number;

    /** Points this frame at bytes someone else captured (a live capture, a test). */
    public Frame set(ByteBuffer buffer, int offset, int capturedLength, int originalLength, long timestampNanos,
            int linkType) {
        this.buffer = buffer;
        this.offset = offset;
        this.capturedLength = capturedLength;
        this.originalLength = originalLength;
        this.timestampNanos = timestampNanos;
        this.linkType = linkType;
        this.interfaceId = 0;
        this.fileOffset = -1;
        this.number++;
        return this;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /** The bytes present in the capture (at most the snapshot length). */
    public int capturedLength() {
        return capturedLength;
    }

    /** The frame's length on the wire, link header included, as the record states it (a damaged record may lie). */
    public int originalLength() {
        return originalLength;
    }

    /** Nanoseconds since the epoch (the interface's resolution and offset applied). */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** The frame's link type (tcpdump.org LINKTYPE_ numbers, see {@link LinkType}). */
    public int linkType() {
        return linkType;
    }

    /** The pcapng interface the frame came from (0 for pcap). */
    public int interfaceId() {
        return interfaceId;
    }

    /** Where the frame's record starts in the file, or -1 when it did not come from a file. */
    public long fileOffset() {
        return fileOffset;
    }

    /** 1 for the first frame of a capture, then counting up. */
    public long number() {
        return number;
    }
}
