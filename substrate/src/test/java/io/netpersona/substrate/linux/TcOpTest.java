package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.linux.netlink.TcRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The tc kinds' commands: their requests, built from the values, are byte for byte the ones parsed from
 * their lines, for every step shape the kinds render; their lines are the ones tc runs.
 */
class TcOpTest {
    /** A kernel with high-resolution timers: 15.625 ticks per microsecond, HZ 10^9 for tc. */
    private static final TcRequest.Clock CLOCK = new TcRequest.Clock(15.625, 1_000_000_000L);
    /** A kernel with HZ 250 and microsecond ticks: buckets and defaults that round otherwise. */
    private static final TcRequest.Clock LOW_RES = new TcRequest.Clock(1.0, 250);

    private static Resource root(String rate, String defaultRate, String prio, String leaf) {
        Map<String, String> a = new HashMap<>(Map.of("rate", rate, "default-rate", defaultRate, "default-prio", prio));
        a.putAll(Map.of("default-leaf", leaf, "default-leaf-burst", "27232B", "default-leaf-limit", "118750000B"));
        return new Resource(HtbRootKind.KIND, "npb-host", "up0", a);
    }

    private static Resource htbClass(String classid, String rate, String ceil, String burst, String cburst, String prio,
            String leaf) {
        Map<String, String> a = new HashMap<>(Map.of("prio", prio, "rate", rate, "ceil", ceil, "burst", burst, "cburst", cburst));
        a.putAll(Map.of("leaf", leaf, "leaf-burst", "31032B", "leaf-limit", "125000B"));
        return new Resource(HtbClassKind.KIND, "npb-host", "up0 " + classid, a);
    }

    /** Every shape of step the tc kinds render: create, modify (over each kind of leaf), delete. */
    private static List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        Resource root = root("9.5Gbit", "475Mbit", "4", "tbf");
        Resource root2 = root("40Gbit", "1Mbit", "7", "tbf");
        steps.add(new Step.Create(root));
        steps.add(new Step.Create(root2)); // rates past 2^32 bytes/s: 64-bit rates beside
        steps.add(new Step.Modify(root, root2));
        steps.add(new Step.Modify(root("9.5Gbit", "475Mbit", "4", "pfifo"), root)); // a foreign leaf goes first
        steps.add(new Step.Modify(new Resource(HtbRootKind.KIND, "npb-host", "up0", Map.of("qdisc", "fq 8001:")), root));
        steps.add(new Step.Delete(root));
        Resource c = htbClass("1:1a", "1Mbit", "40Mbit", "1600B", "62500B", "3", "tbf");
        Resource big = htbClass("1:ff00", "5Gbit", "40Gbit", "9999999999B", "1B", "0", "tbf");
        steps.add(new Step.Create(c));
        steps.add(new Step.Create(big));
        steps.add(new Step.Create(htbClass("1:10", "0bit", "40Mbit", "1600B", "1600B", "3", "tbf"))); // no request: tc refuses it
        steps.add(new Step.Create(htbClass("1:11", "1Mbit", "2Mbit", "10000000000B", "1600B", "3", "tbf"))); // a size no line carries
        steps.add(new Step.Modify(c, htbClass("1:1a", "2Mbit", "80Mbit", "3200B", "125000B", "7", "tbf")));
        steps.add(new Step.Modify(htbClass("1:1a", "1Mbit", "40Mbit", "1600B", "62500B", "3", "sfq"), c));
        steps.add(new Step.Delete(c));
        Resource ingress = IngressRedirectKind.of("npb-host", "up0", "ifb0");
        steps.add(new Step.Create(ingress));
        steps.add(new Step.Modify(IngressRedirectKind.of("npb-host", "up0", "ifb1"), ingress));
        steps.add(new Step.Delete(ingress));
        Resource filter = U32DstFilterKind.of("npb-host", "ifb0", 26, "1:1a", List.of("10.1.0.2/32", "10.1.0.3/32"));
        steps.add(new Step.Create(filter));
        steps.add(new Step.Modify(U32DstFilterKind.of("npb-host", "ifb0", 26, "1:1a", List.of("10.1.0.9/32")), filter));
        steps.add(new Step.Delete(filter));
        steps.add(new Step.Create(IfbLinkKind.of("npb-host", "ifb0")));
        steps.add(new Step.Delete(IfbLinkKind.of("npb-host", "ifb0")));
        return steps;
    }

    private static Map<String, ResourceKind> kinds() {
        Map<String, ResourceKind> kinds = new HashMap<>();
        for (ResourceKind k : List.of(new HtbRootKind(), new HtbClassKind(), new IngressRedirectKind(), new U32DstFilterKind(),
                new IfbLinkKind())) {
            kinds.put(k.name(), k);
        }
        return kinds;
    }

    private static List<TcOp> ops(Step step) {
        Batches b = new Batches();
        b.from(step);
        kinds().get(step.key().kind()).render(step, b);
        List<TcOp> ops = new ArrayList<>();
        for (Batches.Batch batch : b.all()) {
            if (batch.tool() == Batches.Tool.TC) {
                ops.addAll(batch.ops());
                assertThat(batch.lines()).as("the lines of %s", step).containsExactlyElementsOf(batch.ops().stream().map(TcOp::text).toList());
            }
        }
        return ops;
    }

    @Test
    void everyCommandsRequestIsTheOneParsedFromItsLine() {
        int requests = 0;
        int left = 0;
        for (Step step : steps()) {
            for (TcOp op : ops(step)) {
                for (TcRequest.Clock clock : List.of(CLOCK, LOW_RES)) {
                    Optional<TcRequest> built = op.request(clock);
                    Optional<TcRequest> parsed = TcRequest.parse(op.text(), clock);
                    assertThat(built.isPresent()).as("a request for %s", op.text()).isEqualTo(parsed.isPresent());
                    if (built.isPresent()) {
                        assertThat(bytes(built.get())).as(op.text()).isEqualTo(bytes(parsed.get()));
                        requests++;
                    } else {
                        left++;
                    }
                }
            }
        }
        // the shapes above hold commands of each kind: requests, and lines only tc runs
        assertThat(requests).isGreaterThan(40);
        assertThat(left).isGreaterThan(10);
    }

    @Test
    void theDirectRequestsCoverEveryCommandOfAnHtbHierarchy() {
        for (Step step : steps()) {
            for (TcOp op : ops(step)) {
                if (!(op instanceof TcOp.Line) && !op.text().contains(" 0bit ") && !op.text().contains("10000000000B")
                        && !op.text().contains("burst 10000000000b")) {
                    assertThat(op.request(CLOCK)).as(op.text()).isPresent();
                }
            }
        }
    }

    @Test
    void theLinesAreTheOnesTcRuns() {
        assertThat(ops(new Step.Create(root("9.5Gbit", "475Mbit", "4", "tbf"))).stream().map(TcOp::text)).containsExactly(
                "qdisc add dev up0 root handle 1: htb default 2",
                "class replace dev up0 parent 1: classid 1:1 htb rate 9500000000bit ceil 9500000000bit",
                "class replace dev up0 parent 1:1 classid 1:2 htb rate 475000000bit ceil 9500000000bit prio 4",
                "qdisc replace dev up0 parent 1:2 handle 2: tbf rate 95000000000bit burst 27232b limit 118750000b");
        assertThat(ops(new Step.Modify(htbClass("1:1a", "1Mbit", "40Mbit", "1600B", "62500B", "3", "sfq"),
                htbClass("1:1a", "1Mbit", "40Mbit", "1600B", "62500B", "3", "tbf"))).stream().map(TcOp::text)).containsExactly(
                "class replace dev up0 parent 1:1 classid 1:1a htb rate 1000000bit ceil 40000000bit burst 1600b cburst 62500b prio 3",
                "qdisc del dev up0 parent 1:1a",
                "qdisc replace dev up0 parent 1:1a handle 1a: tbf rate 400000000bit burst 31032b limit 125000b");
        assertThat(ops(new Step.Delete(htbClass("1:1a", "1Mbit", "40Mbit", "1600B", "62500B", "3", "tbf"))).stream().map(TcOp::text))
                .containsExactly("class del dev up0 classid 1:1a");
        assertThat(ops(new Step.Delete(root("9.5Gbit", "475Mbit", "4", "tbf"))).stream().map(TcOp::text))
                .containsExactly("qdisc del dev up0 root");
    }

    @Test
    void aBatchOfManyStepsKeepsEachCommandWithItsStep() {
        Batches all = new Batches();
        List<Step> steps = steps();
        for (Step s : steps) {
            Batches one = new Batches();
            one.from(s);
            kinds().get(s.key().kind()).render(s, one);
            all.append(one);
        }
        int tcLines = 0;
        for (Batches.Batch b : all.all()) {
            if (b.tool() == Batches.Tool.TC) {
                assertThat(b.ops()).hasSameSizeAs(b.origins());
                for (int i = 0; i < b.ops().size(); i++) {
                    assertThat(ops(b.origins().get(i)).stream().map(TcOp::text)).contains(b.lines().get(i));
                }
                tcLines += b.lines().size();
            }
        }
        assertThat(tcLines).isEqualTo(steps.stream().mapToInt(s -> ops(s).size()).sum());
    }

    /** Everything a request puts on the wire: its header fields and its body for a device's index. */
    private static List<Object> bytes(TcRequest r) {
        return List.of(r.type(), r.flags(), r.device(), box(r.body(3)));
    }

    private static List<Byte> box(byte[] bytes) {
        List<Byte> out = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            out.add(b);
        }
        return out;
    }
}
