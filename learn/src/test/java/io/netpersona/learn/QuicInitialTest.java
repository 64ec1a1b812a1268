package io.netpersona.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuicInitialTest {

    static List<Flow> udp443(String capture) {
        List<Flow> flows = new ArrayList<>();
        Flows.read(TrainingData.folder().resolve("pcap").resolve(capture), FlowMeter.Options.DEFAULTS, f -> {
            if (f.protocol() == 17) {
                flows.add(f);
            }
        }, Flows.Progress.NONE);
        return flows;
    }

    @Test
    void theServerNameOfEachQuicVersionIsReadFromTheEncryptedHello() {
        // draft 29, version 2 (RFC 9369) and version 1 with the hello in CRYPTO frames split over two packets
        assertThat(udp443("quic-29.pcap")).extracting(f -> f.names().tlsServerName()).contains("localhost");
        assertThat(udp443("quic-v2.pcapng")).extracting(f -> f.names().tlsServerName()).contains("test");
        assertThat(udp443("quic_frags_different_dcid.pcapng")).extracting(f -> f.names().tlsServerName())
                .contains("cdnjs.cloudflare.com");
    }

    @Test
    void googleQuicSaysItsServerNameInPlainText() {
        assertThat(udp443("quic_q39.pcap")).extracting(f -> f.names().tlsServerName()).contains("s.youtube.com");
        byte[] notHello = new byte[64];
        notHello[0] = 0x0d;
        notHello[9] = 'Q';
        notHello[10] = '0';
        assertThat(QuicInitial.googleHello(ByteBuffer.wrap(notHello), 0, notHello.length)).isNull();
    }

    @Test
    void packetsTheKeysDoNotOpenGiveNoName() {
        byte[] packet = new byte[1200];
        packet[0] = (byte) 0xc3;
        packet[4] = 1; // version 1
        packet[5] = 8; // an 8-byte destination connection id, then garbage that fails authentication
        packet[14] = 0;
        packet[15] = 0;
        packet[16] = 0x44;
        packet[17] = (byte) 0xa0;
        ByteBuffer b = ByteBuffer.wrap(packet);
        assertThat(QuicInitial.looksLikeInitial(b, 0, packet.length)).isTrue();
        assertThat(new QuicInitial().add(b, 0, packet.length)).isNull();
        packet[4] = 7; // a version without a published salt
        assertThat(QuicInitial.looksLikeInitial(b, 0, packet.length)).isFalse();
        assertThat(new QuicInitial().add(ByteBuffer.wrap(packet, 0, 6), 0, 6)).isNull();
    }
}
