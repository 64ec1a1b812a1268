package io.netpersona.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A view of an ended flow reads what the {@link Flow} made from it holds, and writes addresses as {@link IpText}. */
class EndedFlowTest {
    /** What a row writer reads of a flow, through a view. */
    private static List<Object> read(EndedFlow e) {
        char[] text = new char[2 * IpText.MAX_CHARS];
        int src = e.address(true, text, 0);
        int dst = e.address(false, text, src);
        return List.of(e.capture(), e.ipVersion(), e.protocol(), e.protocolName(), new String(text, 0, src),
                e.srcPort(), new String(text, src, dst - src), e.dstPort(), e.vlan(), e.firstNanos(), e.lastNanos(),
                e.packets(true), e.bytes(true), e.packets(false), e.bytes(false), e.retransmissions(true),
                e.retransmissions(false), e.handshakeRttNanos(), e.rttNanos(), e.serverName(), e.tlsServerName(),
                e.httpHost(), e.dnsName(), e.dnsQuery(), e.end());
    }

    @ParameterizedTest
    @ValueSource(strings = {"443-firefox.pcap", "quic.pcap", "wechat.pcap", "badpackets.pcap", "ipsec_isakmp_esp.pcap"})
    void aMetersViewReadsWhatItsFlowHolds(String name) {
        List<List<Object>> viewed = new ArrayList<>(), whole = new ArrayList<>();
        Flows.readEndedHandingOff(TrainingData.capture(name), FlowMeter.Options.DEFAULTS.withArp(true), e -> {
            viewed.add(read(e));
            whole.add(read(EndedFlow.of(e.flow())));
        }, Flows.Progress.NONE);

        assertThat(viewed).isNotEmpty().isEqualTo(whole);
        // the captures have what the accessors' other branches read: RTTs measured, names, IPv6
        if (name.equals("443-firefox.pcap")) {
            assertThat(viewed).anyMatch(r -> (long) r.get(18) >= 0 && !((String) r.get(20)).isEmpty());
        }
    }

    @Test
    void writesAddressesAsIpTextDoes() throws Exception {
        SplittableRandom random = new SplittableRandom(4);
        char[] out = new char[IpText.MAX_CHARS + 3];
        for (int i = 0; i < 20_000; i++) {
            byte[] a = new byte[16];
            for (int j = 0; j < 16; j++) {
                // mostly zero groups, so that runs of them (and ties between runs) are common
                a[j] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : 0;
            }
            if (i % 7 == 0) {
                a = new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, a[12], a[13], a[14], a[15]};
            }
            long hi = 0, lo = 0;
            for (int j = 0; j < 8; j++) {
                hi = hi << 8 | (a[j] & 0xff);
                lo = lo << 8 | (a[8 + j] & 0xff);
            }
            String expected = IpText.of(InetAddress.getByAddress(a));
            int end = IpText.write(6, hi, lo, out, 3);
            assertThat(new String(out, 3, end - 3)).as("%s", expected).isEqualTo(expected);

            int v4 = random.nextInt();
            byte[] four = {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
            end = IpText.write(4, random.nextLong(), v4 & 0xffffffffL | (long) random.nextInt() << 32, out, 0);
            assertThat(new String(out, 0, end)).isEqualTo(IpText.of(InetAddress.getByAddress(four)));
        }
    }
}
