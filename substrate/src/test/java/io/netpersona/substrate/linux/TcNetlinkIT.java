package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.substrate.linux.netlink.NetlinkReader;
import io.netpersona.substrate.linux.netlink.TcObject;
import io.netpersona.substrate.linux.netlink.TcRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * tc batches sent as rtnetlink requests against the same lines run by {@code tc -batch}: the kernel holds
 * the same hierarchy either way (its own JSON and text, and the options' bytes it sends back), and a
 * refused line is named with the kernel's reason.
 */
class TcNetlinkIT {
    private TestNet net;
    private String viaTc;
    private String viaNetlink;
    private NetlinkReader nl;
    private final TcRequest.Clock clock = TcRequest.Clock.read();

    @BeforeEach
    void hosts() {
        net = new TestNet();
        viaTc = net.ns("t");
        viaNetlink = net.ns("n");
        String peer = net.ns("p");
        net.link(viaTc, "up0", null, peer, "x0", null);
        net.link(viaNetlink, "up0", null, peer, "x1", null);
        nl = NetlinkReader.shared().orElseThrow(() -> new AssertionError("netlink: " + NetlinkReader.unavailabilityCause()));
    }

    @AfterEach
    void cleanUp() {
        net.close();
    }

    /** A host's hierarchy as the driver writes it, with rates past 2^32 bytes/s and buckets given and not. */
    private static List<String> hierarchy(int classes) {
        List<String> l = new ArrayList<>(List.of(
                "qdisc add dev up0 root handle 1: htb default 2",
                "class replace dev up0 parent 1: classid 1:1 htb rate 9500000000bit ceil 9500000000bit",
                "class replace dev up0 parent 1:1 classid 1:2 htb rate 475000000bit ceil 9500000000bit prio 4",
                "qdisc replace dev up0 parent 1:2 handle 2: tbf rate 95000000000bit burst 1190536b limit 118750000b"));
        for (int i = 0; i < classes; i++) {
            String minor = Integer.toHexString(0x10 + i * 7);
            long ceil = i % 5 == 0 ? 40_000_000_000L : 500_000_000L + i * 1_000_003L;
            l.add("class replace dev up0 parent 1:1 classid 1:" + minor + " htb rate " + (1_000_000L + i * 8_001L) + "bit ceil "
                    + ceil + "bit burst " + (1600 + i) + "b cburst " + (62500 + 3 * i) + "b prio " + (i % 8));
            l.add("qdisc replace dev up0 parent 1:" + minor + " handle " + minor + ": tbf rate " + ceil * 10 + "bit burst "
                    + (65536 + i) + "b limit " + (6250000 + i) + "b");
        }
        return l;
    }

    private List<TcRequest> requests(List<String> lines) {
        return lines.stream().map(l -> TcRequest.parse(l, clock).orElseThrow(() -> new AssertionError("not a request: " + l)))
                .toList();
    }

    private void tcBatch(String ns, List<String> lines) {
        net.commands().check(Commands.tc(ns, "-batch", "-"), String.join("\n", lines) + "\n");
    }

    /** What the kernel holds on up0: tc's own words (without counters) and every object's options as bytes. */
    private List<String> state(String ns) {
        int index = nl.links(ns).stream().filter(l -> l.name().equals("up0")).findFirst().orElseThrow().index();
        Map<String, String> options = new TreeMap<>();
        for (TcObject o : nl.qdiscs(ns, index)) {
            options.put("qdisc " + Integer.toHexString(o.handle()) + " " + Integer.toHexString(o.parent()) + " " + o.kind(), o.options());
        }
        for (TcObject o : nl.classes(ns, index)) {
            options.put("class " + Integer.toHexString(o.handle()) + " " + Integer.toHexString(o.parent()) + " " + o.kind(), o.options());
        }
        List<String> lines = new ArrayList<>(List.of(net.commands().check(Commands.tc(ns, "-d", "-j", "qdisc", "show", "dev", "up0"), null)
                .split("\\},\\{")));
        lines.addAll(net.commands().check(Commands.tc(ns, "-d", "class", "show", "dev", "up0"), null).lines().toList());
        options.forEach((k, v) -> lines.add(k + " " + v));
        lines.sort(null); // the kernel lists by hash: the order is not state
        return lines;
    }

    @Test
    void theKernelHoldsWhatTcWouldHaveMade() {
        List<String> lines = hierarchy(40);
        tcBatch(viaTc, lines);
        Commands counted = new Commands();
        assertThat(nl.tc(viaNetlink, requests(lines), false)).isEmpty();
        assertThat(counted.started()).isZero();
        List<String> expected = state(viaTc);
        assertThat(String.join("\n", expected)).contains("class htb 1:17 ").contains("tbf");
        assertThat(state(viaNetlink)).containsExactlyElementsOf(expected);

        // changes and removals too: new rates over the same classes, a leaf and a class gone
        List<String> changes = new ArrayList<>();
        for (String l : hierarchy(40).subList(4, 20)) {
            changes.add(l.replace(" prio ", " prio 1").replaceAll("prio 1(\\d)", "prio $1").replace("burst 16", "burst 26"));
        }
        changes.add("qdisc del dev up0 parent 1:17");
        changes.add("class del dev up0 classid 1:17");
        tcBatch(viaTc, changes);
        assertThat(nl.tc(viaNetlink, requests(changes), false)).isEmpty();
        assertThat(state(viaNetlink)).containsExactlyElementsOf(state(viaTc));
        assertThat(String.join("\n", state(viaTc))).doesNotContain("class htb 1:17 ");

        tcBatch(viaTc, List.of("qdisc del dev up0 root"));
        assertThat(nl.tc(viaNetlink, requests(List.of("qdisc del dev up0 root")), false)).isEmpty();
        assertThat(state(viaNetlink)).containsExactlyElementsOf(state(viaTc));
        assertThat(String.join("\n", state(viaTc))).doesNotContain("htb");
    }

    @Test
    void aRefusedLineIsNamedWithTheKernelsReasonAndNothingAfterItsDatagramIsSent() {
        List<String> lines = new ArrayList<>(hierarchy(600)); // more than one datagram
        int bad = 41;
        lines.set(bad, "class del dev up0 classid 1:fff0"); // no such class
        Optional<NetlinkReader.Refused> refused = nl.tc(viaNetlink, requests(lines), false);
        assertThat(refused).get().satisfies(r -> {
            assertThat(r.index()).isEqualTo(bad);
            assertThat(r.reason()).contains("No such file or directory (errno 2)");
        });
        String classes = net.commands().check(Commands.tc(viaNetlink, "class", "show", "dev", "up0"), null);
        assertThat(classes).contains("class htb 1:" + Integer.toHexString(0x10 + 7 * 18) + " ") // before it
                .doesNotContain("class htb 1:" + Integer.toHexString(0x10 + 7 * 590) + " "); // a later datagram's

        // forced (a rollback): everything else is still sent, and the first refusal reported
        net.commands().check(Commands.tc(viaNetlink, "qdisc", "del", "dev", "up0", "root"), null);
        assertThat(nl.tc(viaNetlink, requests(lines), true)).get().extracting(NetlinkReader.Refused::index).isEqualTo(bad);
        assertThat(net.commands().check(Commands.tc(viaNetlink, "class", "show", "dev", "up0"), null))
                .contains("class htb 1:" + Integer.toHexString(0x10 + 7 * 590) + " ");

        assertThat(nl.tc(viaNetlink, requests(List.of("class del dev nosuch0 classid 1:10")), false)).get()
                .satisfies(r -> assertThat(r.reason()).contains("Cannot find device \"nosuch0\""));
    }
}
