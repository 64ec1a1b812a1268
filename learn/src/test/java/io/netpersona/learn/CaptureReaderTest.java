package io.netpersona.learn;

import static io.netpersona.learn.Synthetic.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureReaderTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN, BE = ByteOrder.BIG_ENDIAN;
    @TempDir
    Path dir;

    record Seen(long ts, int link, int iface, int length, long offset) {
    }

    static List<Seen> readAll(Path file) {
        List<Seen> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(file)) {
            Frame f = new Frame();
            while (r.next(f)) {
                out.add(new Seen(f.timestampNanos(), f.linkType(), f.interfaceId(), f.capturedLength(), f.fileOffset()));
            }
        }
        return out;
    }

    private static byte[] frame(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void microsecondPcapLittleEndian() {
        Path p = write(dir, "a.cap", pcapHeader(LE, false, 1), pcapRecord(LE, 10, 250_000, frame(60)),
                pcapRecord(LE, 11, 1, frame(70)));
        try (CaptureReader r = CaptureReader.open(p)) {
            assertThat(r.format()).isEqualTo(CaptureFormat.PCAP);
        }
        assertThat(readAll(p)).containsExactly(new Seen(10_250_000_000L, 1, 0, 60, 24),
                new Seen(11_000_001_000L, 1, 0, 70, 24 + 16 + 60));
    }

    @Test
    void nanosecondPcapBigEndian() {
        Path p = write(dir, "b.pcap", pcapHeader(BE, true, 101), pcapRecord(BE, 5, 123_456_789, frame(40)));
        assertThat(readAll(p)).containsExactly(new Seen(5_123_456_789L, 101, 0, 40, 24));
    }

    @Test
    void pcapngInterfacesWithTheirOwnLinkTypesAndResolutions() {
        Path p = write(dir, "c.pcap", sectionHeader(LE), interfaceBlock(LE, 1, 9), interfaceBlock(LE, 101, -1),
                enhancedPacket(LE, 0, 7_000_000_123L, frame(60)), enhancedPacket(LE, 1, 7_000_001L, frame(41)));
        try (CaptureReader r = CaptureReader.open(p)) {
            assertThat(r.format()).as("found by magic, whatever the name").isEqualTo(CaptureFormat.PCAPNG);
        }
        List<Seen> seen = readAll(p);
        assertThat(seen).extracting(Seen::link).containsExactly(1, 101);
        assertThat(seen).extracting(Seen::iface).containsExactly(0, 1);
        assertThat(seen).extracting(Seen::ts).containsExactly(7_000_000_123L, 7_000_001_000L);
        assertThat(seen).extracting(Seen::length).containsExactly(60, 41);
    }

    @Test
    void binaryResolutionAndSectionsOfBothByteOrders() {
        Path p = write(dir, "d.pcapng", sectionHeader(LE), interfaceBlock(LE, 1, 0x80 | 10),
                enhancedPacket(LE, 0, 1024 * 3 + 512, frame(30)),
                sectionHeader(BE), interfaceBlock(BE, 113, 3), enhancedPacket(BE, 0, 42, frame(33)));
        List<Seen> seen = readAll(p);
        assertThat(seen).containsExactly(new Seen(3_500_000_000L, 1, 0, 30, seen.get(0).offset()),
                new Seen(42_000_000L, 113, 0, 33, seen.get(1).offset()));
    }

    @Test
    void simpleAndObsoletePacketBlocks() {
        Path p = write(dir, "e.pcapng", sectionHeader(LE), interfaceBlock(LE, 1, 6),
                obsoletePacket(LE, 0, 2_000_000, frame(50)), simplePacket(LE, frame(45)));
        assertThat(readAll(p)).extracting(Seen::ts, Seen::length)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2_000_000_000L, 50),
                        org.assertj.core.groups.Tuple.tuple(2_000_000_000L, 45));
    }

    @Test
    void packetOfAnInterfaceNeverDescribedIsNotDecoded() {
        Path p = write(dir, "f.pcapng", sectionHeader(LE), interfaceBlock(LE, 1, 6), enhancedPacket(LE, 3, 1, frame(60)));
        assertThat(readAll(p)).extracting(Seen::link).containsExactly(LinkType.NO_INTERFACE);
        Frame f = new Frame();
        try (CaptureReader r = CaptureReader.open(p)) {
            assertThat(r.next(f)).isTrue();
            assertThat(new PacketDecoder(true, false).decode(f, new Packet())).isEqualTo(DecodeResult.UNKNOWN_INTERFACE);
        }
    }

    @Test
    void truncatedLastPacketEndsTheReadingWithItsOffset() {
        byte[] whole = pcapRecord(LE, 1, 0, frame(60));
        byte[] cut = java.util.Arrays.copyOf(pcapRecord(LE, 2, 0, frame(100)), 16 + 30);
        Path p = write(dir, "g.pcap", pcapHeader(LE, false, 1), whole, cut);
        try (CaptureReader r = CaptureReader.open(p)) {
            Frame f = new Frame();
            assertThat(r.next(f)).isTrue();
            assertThatThrownBy(() -> r.next(f)).isInstanceOf(CaptureException.class)
                    .hasMessageContaining("g.pcap").hasMessageContaining("offset " + (24 + whole.length))
                    .hasMessageContaining("record 2").hasMessageContaining("cut short");
        }
    }

    @Test
    void absurdPcapLengthIsRefusedWithoutAllocating() {
        byte[] record = new Bytes(LE).u32(1).u32(0).u32(0xfffffff0L).u32(0xfffffff0L).put(frame(8)).bytes();
        Path p = write(dir, "h.pcap", pcapHeader(LE, false, 1), record);
        try (CaptureReader r = CaptureReader.open(p)) {
            assertThatThrownBy(() -> r.next(new Frame())).isInstanceOf(CaptureException.class)
                    .hasMessageContaining("offset 24").hasMessageContaining("captured length 4294967280");
        }
    }

    @Test
    void absurdPcapngLengthsAreRefused() {
        byte[] tiny = new Bytes(LE).u32(6).u32(8).u32(8).bytes();
        byte[] hugePacket = new Bytes(LE).u32(6).u32(0x7ffffff0L).u32(0).u32(0).bytes();
        byte[] hugeOther = new Bytes(LE).u32(0x0bad).u32(0x7ffffff0L).u32(0).u32(0).bytes();
        byte[] mismatch = new Bytes(LE).u32(0x0bad).u32(16).u32(0).u32(20).bytes();
        byte[] head = concat(sectionHeader(LE), interfaceBlock(LE, 1, 6));
        assertThatThrownBy(() -> readAll(write(dir, "i1.pcapng", head, tiny))).hasMessageContaining("length 8 (expected");
        assertThatThrownBy(() -> readAll(write(dir, "i2.pcapng", head, hugePacket)))
                .hasMessageContaining("length 2147483632 (expected: at most");
        assertThatThrownBy(() -> readAll(write(dir, "i3.pcapng", head, hugeOther))).hasMessageContaining("runs past the end");
        assertThatThrownBy(() -> readAll(write(dir, "i4.pcapng", head, mismatch)))
                .hasMessageContaining("length 16 at its start but 20 at its end");
        byte[] packetTooLong = new Bytes(LE).u32(6).u32(32).u32(0).u32(0).u32(0).u32(100).u32(100).u32(32).bytes();
        assertThatThrownBy(() -> readAll(write(dir, "i5.pcapng", head, packetTooLong)))
                .hasMessageContaining("captured length 100 does not fit");
    }

    @Test
    void largeBlocksOtherThanPacketsAreSkippedUnread() throws IOException {
        int big = CaptureReader.BUFFER_BYTES + 4096;
        byte[] custom = block(LE, 0x0bad, new byte[big - 12]);
        Path p = write(dir, "j.pcapng", sectionHeader(LE), interfaceBlock(LE, 1, 6), custom,
                enhancedPacket(LE, 0, 9, frame(64)));
        assertThat(Files.size(p)).isGreaterThan(CaptureReader.BUFFER_BYTES);
        assertThat(readAll(p)).extracting(Seen::length).containsExactly(64);
    }

    @Test
    void recordsAcrossTheBufferBoundaryAreReadWhole() throws IOException {
        int n = CaptureReader.BUFFER_BYTES / 1500 + 500;
        Path p = dir.resolve("k.pcap");
        try (var out = Files.newOutputStream(p)) {
            out.write(pcapHeader(LE, false, 1));
            for (int i = 0; i < n; i++) {
                out.write(pcapRecord(LE, i, 0, frame(1500 - (i % 7))));
            }
        }
        List<Seen> seen = readAll(p);
        assertThat(seen).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(seen.get(i).length()).isEqualTo(1500 - (i % 7));
            assertThat(seen.get(i).ts()).isEqualTo(i * 1_000_000_000L);
        }
    }

    @Test
    void framesCarryTheirBytes() {
        Path p = write(dir, "l.pcap", pcapHeader(LE, false, 1), pcapRecord(LE, 1, 0, frame(20)));
        try (CaptureReader r = CaptureReader.open(p)) {
            Frame f = new Frame();
            assertThat(r.next(f)).isTrue();
            for (int i = 0; i < 20; i++) {
                assertThat(f.buffer().get(f.offset() + i)).isEqualTo((byte) i);
            }
            assertThat(r.next(f)).isFalse();
        }
    }

    @Test
    void whatIsNotACaptureIsRefusedByName() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.pcap"), "hello, this is text");
        assertThatThrownBy(() -> CaptureReader.open(text)).isInstanceOf(CaptureException.class)
                .hasMessageContaining("notes.pcap").hasMessageContaining("not a capture").hasMessageContaining("0x68656c6c");
        Path empty = Files.write(dir.resolve("empty.pcap"), new byte[0]);
        assertThatThrownBy(() -> CaptureReader.open(empty)).hasMessageContaining("empty.pcap: not a capture: 0 bytes");
        assertThatThrownBy(() -> CaptureReader.open(dir.resolve("missing.pcap")))
                .hasMessageContaining("missing.pcap: no such file");
        Path shortHeader = write(dir, "short.pcap", java.util.Arrays.copyOf(pcapHeader(LE, false, 1), 10));
        assertThatThrownBy(() -> CaptureReader.open(shortHeader)).hasMessageContaining("pcap file header cut short");
        Path badMagic = write(dir, "bom.pcapng", new Bytes(LE).u32(0x0a0d0d0aL).u32(28).u32(0x11223344).bytes(),
                new byte[16]);
        assertThatThrownBy(() -> readAll(badMagic)).hasMessageContaining("byte-order magic 0x44332211");
    }
}
