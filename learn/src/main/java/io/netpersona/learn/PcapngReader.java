package io.netpersona.learn;

import java.io.IOException;
import java.util.Arrays;

/**
 * pcapng files: blocks of type, length, body and the length again. A section header block starts each
 * section (and sets its byte order); interface description blocks give each interface its link type,
 * snapshot length and timestamp resolution; enhanced, simple and (obsolete) packet blocks carry the
 * frames. Every other block is skipped by its length, without being read when it is large.
 */
final class PcapngReader extends FileCaptureReader {
    static final int SECTION_HEADER = 0x0a0d0d0a;
    private static final int INTERFACE = 1, OBSOLETE_PACKET = 2, SIMPLE_PACKET = 3, ENHANCED_PACKET = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    /** More interfaces than any real capture has; a bound against hostile files. */
    private static final int MAX_INTERFACES = 1 << 16;

    private boolean swapped;
    private int interfaces;
    private int[] linkTypes = new int[4];
    private int[] snapLengths = new int[4];
    private final Timestamps timestamps = new Timestamps();
    private long lastTimestamp;
    private long records;
    private int sections;

    PcapngReader(ChunkedInput in) {
        super(in);
    }

    private int u16(int at) {
        short v = in.buf.getShort(at);
        return (swapped ? Short.reverseBytes(v) : v) & 0xffff;
    }

    private int u32(int at) {
        int v = in.buf.getInt(at);
        return swapped ? Integer.reverseBytes(v) : v;
    }

    private CaptureException broken(long offset, String message) {
        return new CaptureException(in.file, offset, message);
    }

    @Override
    public boolean next(Frame frame) {
        try {
            while (true) {
                if (!in.request(12)) {
                    if (in.available() == 0) {
                        return false;
                    }
                    throw broken(in.offset(), "block header cut short by the end of the file (" + in.available()
                            + " of 12 bytes)");
                }
                int p = in.pos;
                if (in.buf.getInt(p) == SECTION_HEADER) {
                    readSectionHeader();
                    continue;
                }
                if (sections == 0) {
                    throw broken(in.offset(), "block before the first section header");
                }
                int type = u32(p);
                long length = u32(p + 4) & 0xffffffffL;
                long start = in.offset();
                if (length < 12 || (length & 3) != 0) {
                    throw broken(start, "block of type " + Integer.toUnsignedString(type) + ": length " + length
                            + " (expected: a multiple of 4, at least 12)");
                }
                boolean packet = type == ENHANCED_PACKET || type == SIMPLE_PACKET || type == OBSOLETE_PACKET;
                if (!packet && type != INTERFACE && length > in.capacity()) {
                    if (!in.skip(length)) {
                        throw broken(start, "block of type " + Integer.toUnsignedString(type) + ": length " + length
                                + " runs past the end of the file");
                    }
                    continue;
                }
                if (length > CaptureReader.BUFFER_BYTES) {
                    throw broken(start, "block of type " + type + ": length " + length + " (expected: at most "
                            + CaptureReader.BUFFER_BYTES + ")");
                }
                if (!in.request((int) length)) {
                    throw broken(start, "block of type " + Integer.toUnsignedString(type) + " cut short by the end of the file ("
                            + in.available() + " of " + length + " bytes)");
                }
                p = in.pos;
                int trailer = u32(p + (int) length - 4);
                if (trailer != length) {
                    throw broken(start, "block of type " + Integer.toUnsignedString(type) + ": length " + length
                            + " at its start but " + Integer.toUnsignedString(trailer) + " at its end");
                }
                boolean got = switch (type) {
                    case INTERFACE -> {
                        readInterface(p, (int) length, start);
                        yield false;
                    }
                    case ENHANCED_PACKET, OBSOLETE_PACKET -> readPacket(frame, p, (int) length, start, type);
                    case SIMPLE_PACKET -> readSimplePacket(frame, p, (int) length, start);
                    default -> false;
                };
                in.pos = p + (int) length;
                if (got) {
                    return true;
                }
            }
        } catch (IOException e) {
            throw new CaptureException(in.file, in.offset(), "read failed: " + e.getMessage(), e);
        }
    }

    private void readSectionHeader() throws IOException {
        long start = in.offset();
        if (!in.request(28)) {
            throw broken(start, "section header cut short by the end of the file");
        }
        int p = in.pos;
        int magic = in.buf.getInt(p + 8);
        if (magic == BYTE_ORDER_MAGIC) {
            swapped = false;
        } else if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            swapped = true;
        } else {
            throw broken(start + 8, String.format("section header: byte-order magic 0x%08x (expected: 0x1a2b3c4d)", magic));
        }
        long length = u32(p + 4) & 0xffffffffL;
        int major = u16(p + 12);
        if (major != 1) {
            throw broken(start + 12, "section header: pcapng version " + major + "." + u16(p + 14) + " (expected: 1.x)");
        }
        if (length < 28 || (length & 3) != 0 || length > CaptureReader.BUFFER_BYTES) {
            throw broken(start, "section header: length " + length + " (expected: a multiple of 4, 28.."
                    + CaptureReader.BUFFER_BYTES + ")");
        }
        if (!in.request((int) length)) {
            throw broken(start, "section header cut short by the end of the file");
        }
        p = in.pos;
        int trailer = u32(p + (int) length - 4);
        if (trailer != length) {
            throw broken(start, "section header: length " + length + " at its start but "
                    + Integer.toUnsignedString(trailer) + " at its end");
        }
        sections++;
        interfaces = 0;
        in.pos = p + (int) length;
    }

    private void readInterface(int p, int length, long start) {
        if (length < 20) {
            throw broken(start, "interface description: length " + length + " (expected: at least 20)");
        }
        if (interfaces == MAX_INTERFACES) {
            throw broken(start, "more than " + MAX_INTERFACES + " interfaces in one section");
        }
        if (interfaces == linkTypes.length) {
            linkTypes = Arrays.copyOf(linkTypes, interfaces * 2);
            snapLengths = Arrays.copyOf(snapLengths, interfaces * 2);
        }
        int id = interfaces++;
        linkTypes[id] = u16(p + 8);
        snapLengths[id] = u32(p + 12);
        int resolution = -1;
        long offsetSeconds = 0;
        int end = p + length - 4;
        int o = p + 16;
        while (o + 4 <= end) {
            int code = u16(o);
            int size = u16(o + 2);
            if (code == 0 || o + 4 + size > end) {
                break;
            }
            if (code == 9 && size >= 1) {
                resolution = in.buf.get(o + 4) & 0xff;
            } else if (code == 14 && size == 8) {
                long v = in.buf.getLong(o + 4);
                offsetSeconds = swapped ? Long.reverseBytes(v) : v;
            }
            o += 4 + ((size + 3) & ~3);
        }
        timestamps.define(id, resolution, offsetSeconds);
    }

    private boolean readPacket(Frame frame, int p, int length, long start, int type) {
        if (length < 32) {
            throw broken(start, "packet block: length " + length + " (expected: at least 32)");
        }
        int id = type == ENHANCED_PACKET ? u32(p + 8) : u16(p + 8);
        long high = u32(p + 12) & 0xffffffffL;
        long low = u32(p + 16) & 0xffffffffL;
        long captured = u32(p + 20) & 0xffffffffL;
        long original = u32(p + 24) & 0xffffffffL;
        if (captured > length - 32) {
            throw broken(start, "packet block: captured length " + captured + " does not fit its block of " + length
                    + " bytes");
        }
        long ts = (high << 32) | low;
        fill(frame, id, p + 28, (int) captured, original, start);
        frame.timestampNanos = id >= 0 && id < interfaces ? timestamps.nanos(id, ts) : lastTimestamp;
        lastTimestamp = frame.timestampNanos;
        return true;
    }

    private boolean readSimplePacket(Frame frame, int p, int length, long start) {
        if (length < 16) {
            throw broken(start, "simple packet block: length " + length + " (expected: at least 16)");
        }
        long original = u32(p + 8) & 0xffffffffL;
        long captured = Math.min(original, length - 16);
        if (interfaces > 0 && snapLengths[0] > 0) {
            captured = Math.min(captured, snapLengths[0] & 0xffffffffL);
        }
        fill(frame, 0, p + 12, (int) captured, original, start);
        // the block has no timestamp: it shares the one of the frame before it
        frame.timestampNanos = lastTimestamp;
        return true;
    }

    private void fill(Frame frame, int id, int data, int captured, long original, long start) {
        records++;
        frame.buffer = in.buf;
        frame.offset = data;
        frame.capturedLength = captured;
        frame.originalLength = (int) Math.min(Integer.MAX_VALUE, original);
        frame.linkType = id >= 0 && id < interfaces ? linkTypes[id] : LinkType.NO_INTERFACE;
        frame.interfaceId = id;
        frame.fileOffset = start;
        frame.number = records;
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAPNG;
    }
}
