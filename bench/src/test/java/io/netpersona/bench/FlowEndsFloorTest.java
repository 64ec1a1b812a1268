package io.netpersona.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.learn.Flow;
import io.netpersona.learn.FlowMeter;
import io.netpersona.learn.Flows;
import io.netpersona.learn.IpText;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowEndsFloorTest {
    private static final Path PCAPS = Path.of(System.getProperty("ndpi.train", "../../shared/data/ndpi-train"), "pcap");
    /** The columns the floor fills; the others (RTT, retransmissions, names) it leaves empty. */
    private static final int[] COLUMNS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 24};
    /** persona flows -o csv's meter options (FlowsCommand.LISTED_BRIEFLY). */
    private static final FlowMeter.Options LISTED = FlowMeter.Options.DEFAULTS.withArp(true).withDetail(0, false);

    @TempDir
    static Path dir;
    static Path capture;
    static List<String> expected;

    @BeforeAll
    static void build() throws Exception {
        Path pcaps = Files.createDirectories(dir.resolve("data/pcap"));
        // TCP that closes, UDP, IPv6, ARP (mgcp), VLAN tags (rdp_over_tls, bfd) and IP fragments (smb_frags)
        for (String name : List.of("wechat.pcap", "gnutella.pcap", "443-chrome.pcap", "mgcp.pcap", "rdp_over_tls.pcap",
                "bfd.pcap", "smb_frags.pcap")) {
            Files.copy(PCAPS.resolve(name), pcaps.resolve(name));
        }
        // several rounds, each 25 hours after the last: flows end idle between them
        capture = BigCapture.obtain(dir.resolve("data"), dir.resolve("cache"), 6L << 20).file();
        expected = new ArrayList<>();
        Flows.read(capture, LISTED, f -> expected.add(row(f)), Flows.Progress.NONE);
        expected.sort(null);
    }

    /** The row persona flows writes for a flow, in the floor's columns, made here with the JDK's formatting. */
    private static String row(Flow f) {
        long micros = (f.durationNanos() + 500) / 1000;
        return String.join(",", f.capture(), f.protocolName(), IpText.of(f.srcAddress()), Integer.toString(f.srcPort()),
                IpText.of(f.dstAddress()), Integer.toString(f.dstPort()), f.vlan() < 0 ? "" : Integer.toString(f.vlan()),
                Long.toString(f.packets()), Long.toString(f.bytes()), Long.toString(f.forward().packets()),
                Long.toString(f.forward().bytes()), Long.toString(f.backward().packets()), Long.toString(f.backward().bytes()),
                Instant.ofEpochSecond(Math.floorDiv(f.firstNanos(), 1_000_000_000L),
                        Math.floorMod(f.firstNanos(), 1_000_000_000L)).toString(),
                String.format(Locale.ROOT, "%d.%03d", micros / 1000, micros % 1000), f.end().name().toLowerCase(Locale.ROOT));
    }

    private static List<String> floorRows(int threads) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String counted = FlowEndsFloor.run(capture, threads, out);
        List<String> lines = new ArrayList<>(Arrays.asList(out.toString(StandardCharsets.ISO_8859_1).split("\n")));
        assertThat(lines.removeFirst()).isEqualTo(FlowEnds.HEADER);
        assertThat(counted).startsWith("flows " + lines.size() + " ");
        List<String> rows = new ArrayList<>();
        for (String line : lines) {
            String[] c = line.split(",", -1);
            assertThat(c).hasSize(25);
            String[] kept = new String[COLUMNS.length];
            for (int i = 0; i < COLUMNS.length; i++) {
                kept[i] = c[COLUMNS[i]];
            }
            rows.add(String.join(",", kept));
        }
        rows.sort(null);
        return rows;
    }

    @Test
    void theCaptureHasIdleEndsAndTcpEnds() {
        assertThat(expected.stream().filter(r -> r.endsWith(",idle")).count()).isGreaterThan(100);
        assertThat(expected.stream().filter(r -> r.endsWith(",capture_end")).count()).isGreaterThan(10);
        assertThat(expected.stream().filter(r -> r.contains(",TCP,")).count()).isGreaterThan(100);
    }

    @Test
    void oneThreadWritesTheRowsPersonaFlowsWrites() throws Exception {
        assertThat(floorRows(1)).containsExactlyElementsOf(expected);
    }

    /**
     * A range after the first scans for idle flows in its own phase (FlowMeter's scans count packets from the last
     * scan, which lies in an earlier range), so a flow still open at the capture's end that had gone idle there
     * may end as idle in one and as capture_end in the other; every other column, and every other row, agree.
     */
    @Test
    void rangesSplitAtRoundsWriteTheSameRows() throws Exception {
        List<String> one = tailEndsAsOne(expected);
        for (int threads = 2; threads <= 4; threads++) {
            List<String> got = floorRows(threads);
            assertThat(got).as("%d threads", threads).hasSameSizeAs(expected);
            assertThat(tailEndsAsOne(got)).as("%d threads", threads).containsExactlyElementsOf(one);
        }
    }

    /** The rows with "tail" as the end of the rows that ended as idle or capture_end in the capture's last round. */
    private static List<String> tailEndsAsOne(List<String> rows) {
        String lastRound = rows.stream().map(r -> r.split(",")[13]).max(String::compareTo).orElseThrow().substring(0, 10);
        List<String> out = new ArrayList<>();
        for (String r : rows) {
            String[] c = r.split(",", -1);
            boolean tail = c[13].compareTo(lastRound) >= 0 && (c[15].equals("idle") || c[15].equals("capture_end"));
            out.add(tail ? r.substring(0, r.lastIndexOf(',')) + ",tail" : r);
        }
        out.sort(null);
        return out;
    }

    @Test
    void rangesStartWhereTheClockJumpsPastTheIdleTimeout() throws Exception {
        try (var ch = java.nio.channels.FileChannel.open(capture)) {
            long start = FlowEndsFloor.roundStart(ch, 24, ch.size(), 1000);
            assertThat(start).isGreaterThan(24).isLessThan(ch.size());
            // the record there is the first of a round: the next round start found from it lies further on
            assertThat(FlowEndsFloor.roundStart(ch, start, ch.size(), 1000)).isGreaterThan(start);
        }
    }
}
