package io.netpersona.learn;

import java.io.IOException;

/** libpcap files: a 24-byte file header, then records of a 16-byte header and the frame. */
final class PcapReader extends FileCaptureReader {
    /** libpcap's own ceiling on a snapshot length; a record longer than this and the file's snaplen is garbage. */
    private static final int LIBPCAP_MAX_SNAPLEN = 262_144;
    private static final int RECORD_HEADER = 16;

    private final boolean swapped;
    private final boolean nanos;
    private final int linkType;
    private final int maxCaptured;
    private long records;

    PcapReader(ChunkedInput in) throws IOException {
        super(in);
        if (!in.request(24)) {
            throw new CaptureException(in.file, 0, "pcap file header cut short: " + in.available()
                    + " bytes (expected: 24)");
        }
        int p = in.pos;
        int magic = in.buf.getInt(p);
        swapped = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
        nanos = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
        int major = u16(p + 4);
        if (major != 2) {
            throw new CaptureException(in.file, 4, "pcap version " + major + "." + u16(p + 6) + " (expected: 2.x)");
        }
        long snaplen = u32(p + 16) & 0xffffffffL;
        // the upper bits carry FCS length and reserved flags, not the link type
        linkType = u32(p + 20) & 0xffff;
        maxCaptured = (int) Math.min(CaptureReader.BUFFER_BYTES - RECORD_HEADER, Math.max(LIBPCAP_MAX_SNAPLEN, snaplen));
        in.pos = p + 24;
    }

    private int u16(int at) {
        short v = in.buf.getShort(at);
        return (swapped ? Short.reverseBytes(v) : v) & 0xffff;
    }

    private int u32(int at) {
        int v = in.buf.getInt(at);
        return swapped ? Integer.reverseBytes(v) : v;
    }

    @Override
    public boolean next(Frame frame) {
        try {
            if (!in.request(RECORD_HEADER)) {
                if (in.available() == 0) {
                    return false;
                }
                throw new CaptureException(in.file, in.offset(), "record " + (records + 1) + ": header cut short by the end of the file ("
                        + in.available() + " of 16 bytes)");
            }
            int p = in.pos;
            long seconds = u32(p) & 0xffffffffL;
            long fraction = u32(p + 4) & 0xffffffffL;
            long captured = u32(p + 8) & 0xffffffffL;
            long original = u32(p + 12) & 0xffffffffL;
            if (captured > maxCaptured) {
                throw new CaptureException(in.file, in.offset(), "record " + (records + 1) + ": captured length "
                        + captured + " (expected: 0.." + maxCaptured + ")");
            }
            long start = in.offset();
            if (!in.request(RECORD_HEADER + (int) captured)) {
                throw new CaptureException(in.file, start, "record " + (records + 1) + ": cut short by the end of the file ("
                        + (in.available() - RECORD_HEADER) + " of " + captured + " bytes)");
            }
            p = in.pos;
            records++;
            frame.buffer = in.buf;
            frame.offset = p + RECORD_HEADER;
            frame.capturedLength = (int) captured;
            frame.originalLength = (int) Math.min(Integer.MAX_VALUE, original);
            frame.timestampNanos = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000);
            frame.linkType = linkType;
            frame.interfaceId = 0;
            frame.fileOffset = start;
            frame.number = records;
            in.pos = p + RECORD_HEADER + (int) captured;
            return true;
        } catch (IOException e) {
            throw new CaptureException(in.file, in.offset(), "read failed: " + e.getMessage(), e);
        }
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAP;
    }
}
