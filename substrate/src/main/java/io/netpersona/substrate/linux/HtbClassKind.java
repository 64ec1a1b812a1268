package io.netpersona.substrate.linux;

import io.netpersona.model.ByteSize;
import io.netpersona.model.Rate;
import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * A persona's HTB class below a host's parent class 1:1 (kind {@code tc-htb-class}, id = "DEVICE 1:MINOR"),
 * with its leaf {@link TbfLeaf} {@code MINOR:}. Attributes: prio, rate, ceil, burst, cburst, and the leaf's.
 */
final class HtbClassKind implements ResourceKind {
    static final String KIND = "tc-htb-class";
    private static final List<String> CLASS = List.of("prio", "rate", "ceil", "burst", "cburst");
    private static final List<String> LEAF = List.of("leaf", "leaf-burst", "leaf-limit");

    static Resource of(String scope, String device, AppContext.Ids ids, Shape shape) {
        Map<String, String> a = new HashMap<>(shape.leaf().attributes(""));
        a.putAll(Map.of("prio", Integer.toString(shape.prio()), "rate", shape.rate().toString(), "ceil", shape.ceil().toString(),
                "burst", shape.burst().toString(), "cburst", shape.cburst().toString()));
        return new Resource(KIND, scope, device + " " + ids.classid(), a);
    }

    /** What a class is: HTB priority 0..7, guaranteed and ceiling rate, their buckets, and its leaf. */
    record Shape(int prio, Rate rate, Rate ceil, ByteSize burst, ByteSize cburst, TbfLeaf leaf) {}

    static String device(Resource.Key key) {
        return key.id().substring(0, key.id().indexOf(' '));
    }

    static String classid(Resource.Key key) {
        return key.id().substring(key.id().indexOf(' ') + 1);
    }

    /** Whether {@code key} is a persona's class or filter on {@code device} in {@code scope}. */
    static boolean onDevice(Resource.Key key, String scope, String device) {
        return key.scope().equals(scope) && (key.kind().equals(KIND) || key.kind().equals(U32DstFilterKind.KIND))
                && key.id().startsWith(device + " ");
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 52;
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        Optional<JsonNode> c = view.find(view.queueClasses(key.scope(), device(key)), "handle", classid(key));
        if (c.isEmpty()) {
            return Optional.empty();
        }
        // the fingerprints from the light reads (netlink); tc's print, a process, only for what changed
        Map<String, String> a = new TreeMap<>(Fingerprints.part(recorded, 0, classPart(c), CLASS,
                () -> parse(view.find(view.classes(key.scope(), device(key)), "handle", classid(key)).orElse(c.get()))));
        a.putAll(Fingerprints.part(recorded, 1, leafPart(lightLeaf(view, key.scope(), device(key), classid(key))), LEAF,
                () -> TbfLeaf.read(leaf(view, key.scope(), device(key), classid(key)), "")));
        return Optional.of(new Resource(KIND, key.scope(), key.id(), a));
    }

    private static Map<String, String> parse(JsonNode c) {
        return Map.of("prio", Long.toString(c.path("prio").asLong(0)),
                "rate", Rate.ofBitsPerSecond(c.path("rate").asLong()).toString(),
                "ceil", Rate.ofBitsPerSecond(c.path("ceil").asLong()).toString(),
                "burst", ByteSize.ofBytes(c.path("burst").asLong()).toString(),
                "cburst", ByteSize.ofBytes(c.path("cburst").asLong()).toString());
    }

    private static String classPart(Optional<JsonNode> c) {
        return c.map(Fingerprints::classConfig).orElse("");
    }

    private static String leafPart(Optional<JsonNode> leaf) {
        return leaf.map(Fingerprints::qdiscConfig).orElse("");
    }

    @Override
    public String fingerprint(Resource.Key key, HostView view) {
        return classPart(view.find(view.queueClasses(key.scope(), device(key)), "handle", classid(key))) + Fingerprints.PART
                + leafPart(lightLeaf(view, key.scope(), device(key), classid(key)));
    }

    /** The qdisc attached to a class, as {@code tc -s -j qdisc show} prints it. */
    static Optional<JsonNode> leaf(HostView view, String scope, String device, String classid) {
        return view.find(view.qdiscs(scope, device), "parent", classid);
    }

    /** The qdisc attached to a class, from the light read (netlink where it can be read). */
    static Optional<JsonNode> lightLeaf(HostView view, String scope, String device, String classid) {
        return view.find(view.queueQdiscs(scope, device), "parent", classid);
    }

    @Override
    public List<HostView.Read> reads(Resource.Key key) {
        return List.of(new HostView.Read.Queues(key.scope(), device(key)));
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> set(c.resource(), "(none)", out);
            case Step.Modify m -> set(m.to(), m.from().attr("leaf"), out);
            case Step.Delete d -> out.tc(d.resource().scope(), new TcOp.DeleteClass(device(d.key()), classid(d.key())));
        }
    }

    private static void set(Resource r, String leafNow, Batches out) {
        String dev = device(r.key());
        String classid = classid(r.key());
        Rate ceil = Rate.ofBitsPerSecond(TcUnits.bits(r.attr("ceil")));
        out.tc(r.scope(), new TcOp.HtbClass(dev, HtbRootKind.PARENT, classid, TcUnits.bits(r.attr("rate")), ceil.bitsPerSecond(),
                TcUnits.bytes(r.attr("burst")), TcUnits.bytes(r.attr("cburst")), r.attr("prio")));
        TbfLeaf.from(r.attributes(), "").render(out, r.scope(), dev, classid, ceil, leafNow == null ? "(none)" : leafNow);
    }
}
