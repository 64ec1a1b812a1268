package io.netpersona.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FlowEndsTest {
    private static final long S = 1_000_000_000L, IDLE = 3600 * S, CLOSED = 300 * S;
    private static final long TCP = 6, UDP = 17, NO_VLAN = 0;

    private static long key(int aPort, int bPort, long proto) {
        return (long) aPort << 48 | (long) bPort << 32 | proto | NO_VLAN;
    }

    /** Idle scans end the flows due at their time, closed ones after the closed timeout, and no other. */
    @Test
    void scansEndClosedFlowsAfterTheClosedTimeoutAndOthersWhenIdle() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FlowEnds t = new FlowEnds("c.pcap", IDLE, CLOSED, out);
        long t0 = 1_000_000 * S;
        // a TCP flow closed by FIN from both sides, then a last ACK a second later (its closed time moves on)
        t.add(0, 0x0a000001, 0, 0x0a000002, key(40000, 80, TCP), 0, 60, t0, FlowEnds.SYN, true);
        t.add(0, 0x0a000001, 0, 0x0a000002, key(40000, 80, TCP), 1, 60, t0 + S, FlowEnds.FIN | FlowEnds.ACK, true);
        t.add(0, 0x0a000001, 0, 0x0a000002, key(40000, 80, TCP), 0, 60, t0 + 2 * S, FlowEnds.FIN | FlowEnds.ACK, true);
        t.add(0, 0x0a000001, 0, 0x0a000002, key(40000, 80, TCP), 1, 60, t0 + 3 * S, FlowEnds.ACK, true);
        // a UDP flow seen now and then: never idle for an hour
        for (long at = t0; at < t0 + 2 * IDLE; at += 600 * S) {
            t.add(0, 0x0a000001, 0, 0x0a000003, key(5000, 53, UDP), 0, 80, at, -1, false);
            t.scan(at);
            if (at <= t0 + 3 * S + CLOSED) {
                assertThat(t.size()).as("at %d s", (at - t0) / S).isEqualTo(2);
            } else {
                assertThat(t.size()).as("at %d s", (at - t0) / S).isEqualTo(1);
            }
        }
        // a TCP flow that never closes ends when idle longer than the idle timeout, not before; the UDP flow, last
        // seen 600 s before it began, ends before it
        t.add(0, 0x0a000001, 0, 0x0a000004, key(40001, 443, TCP), 0, 60, t0 + 2 * IDLE, FlowEnds.SYN, true);
        t.scan(t0 + 3 * IDLE - 600 * S);
        assertThat(t.size()).isEqualTo(2);
        t.scan(t0 + 3 * IDLE);
        assertThat(t.size()).isEqualTo(1);
        t.scan(t0 + 3 * IDLE + S);
        assertThat(t.size()).isZero();
        t.flush();
        String[] rows = out.toString(StandardCharsets.ISO_8859_1).split("\n");
        assertThat(rows).hasSize(3);
        assertThat(rows[0]).startsWith("c.pcap,TCP,10.0.0.1,40000,10.0.0.2,80,,4,240,2,120,2,120,1970-01-12T13:46:40Z,3000.000,")
                .endsWith(",idle");
        assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("c.pcap,UDP,10.0.0.1,5000,10.0.0.3,53,,12,960,12,960,0,0,"))
                .anySatisfy(r -> assertThat(r).startsWith("c.pcap,TCP,10.0.0.1,40001,10.0.0.4,443,,1,60,"));
    }
}
