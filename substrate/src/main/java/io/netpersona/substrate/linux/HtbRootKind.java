package io.netpersona.substrate.linux;

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
 * The part of a host's HTB hierarchy that its personas share, on one device (kind {@code tc-htb-root},
 * id = device): root qdisc {@code 1: htb default 2}; the parent class {@code 1:1} at rate = ceil a little
 * below the device's capacity, so that the queue forms here and not in a device or link we do not control;
 * the default class {@code 1:2} for traffic no persona claims, with its {@link TbfLeaf} {@code 2:}.
 * Personas' classes ({@link HtbClassKind}) hang below 1:1.
 */
final class HtbRootKind implements ResourceKind {
    static final String KIND = "tc-htb-root";
    static final String PARENT = "1:1";
    static final String DEFAULT = "1:2";
    /** A device's own qdisc, attached by the kernel when no root was added: the state "no root". */
    private static final String KERNEL_DEFAULT_HANDLE = "0:";
    private static final List<String> CLASSES = List.of("rate", "default-rate", "default-prio");
    private static final List<String> LEAF = List.of("default-leaf", "default-leaf-burst", "default-leaf-limit");

    static Resource of(String scope, String device, Rate rate, Rate defaultRate, int defaultPrio, TbfLeaf defaultLeaf) {
        Map<String, String> a = new HashMap<>(defaultLeaf.attributes("default-"));
        a.putAll(Map.of("rate", rate.toString(), "default-rate", defaultRate.toString(), "default-prio", Integer.toString(defaultPrio)));
        return new Resource(KIND, scope, device, a);
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 50;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public boolean serves(Resource shared, Resource.Key dependent) {
        return HtbClassKind.onDevice(dependent, shared.scope(), shared.id());
    }

    /** The root qdisc of a device, if it has one other than the kernel's default (kind and handle, from the light read). */
    static Optional<JsonNode> root(HostView view, String scope, String device) {
        for (JsonNode q : view.queueQdiscs(scope, device)) {
            if (q.path("root").asBoolean(false) && !KERNEL_DEFAULT_HANDLE.equals(q.path("handle").asString(""))) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }

    /** Whether a root qdisc is one this kind can take as its own: HTB with handle 1:. */
    static boolean isHtbOne(JsonNode root) {
        return root.path("kind").asString("").equals("htb") && root.path("handle").asString("").equals("1:");
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        Optional<JsonNode> root = root(view, key.scope(), key.id());
        if (root.isEmpty()) {
            return Optional.empty();
        }
        if (!isHtbOne(root.get())) {
            return Optional.of(new Resource(KIND, key.scope(), key.id(), Map.of("qdisc",
                    root.get().path("kind").asString() + " " + root.get().path("handle").asString())));
        }
        Optional<JsonNode> leaf = HtbClassKind.lightLeaf(view, key.scope(), key.id(), DEFAULT);
        Map<String, String> a = new TreeMap<>(Fingerprints.part(recorded, 0, classesPart(view, key), CLASSES, () -> parse(key, view)));
        a.putAll(Fingerprints.part(recorded, 1, leaf.map(Fingerprints::qdiscConfig).orElse(""), LEAF,
                () -> TbfLeaf.read(HtbClassKind.leaf(view, key.scope(), key.id(), DEFAULT), "default-")));
        return Optional.of(new Resource(KIND, key.scope(), key.id(), a));
    }

    private static Map<String, String> parse(Resource.Key key, HostView view) {
        JsonNode classes = view.classes(key.scope(), key.id());
        JsonNode parent = view.find(classes, "handle", PARENT).orElse(null);
        JsonNode dflt = view.find(classes, "handle", DEFAULT).orElse(null);
        return Map.of(
                "rate", parent == null ? "(none)" : Rate.ofBitsPerSecond(parent.path("rate").asLong()).toString(),
                "default-rate", dflt == null ? "(none)" : Rate.ofBitsPerSecond(dflt.path("rate").asLong()).toString(),
                "default-prio", dflt == null ? "(none)" : Long.toString(dflt.path("prio").asLong(0)));
    }

    /** The root qdisc and the two classes as tc prints them. */
    private static String classesPart(HostView view, Resource.Key key) {
        StringBuilder s = new StringBuilder();
        root(view, key.scope(), key.id()).ifPresent(r -> s.append(Fingerprints.qdiscConfig(r)));
        JsonNode classes = view.queueClasses(key.scope(), key.id());
        for (String handle : List.of(PARENT, DEFAULT)) {
            view.find(classes, "handle", handle).ifPresent(c -> s.append('\n').append(Fingerprints.classConfig(c)));
        }
        return s.toString();
    }

    @Override
    public String fingerprint(Resource.Key key, HostView view) {
        return classesPart(view, key) + Fingerprints.PART
                + HtbClassKind.lightLeaf(view, key.scope(), key.id(), DEFAULT).map(Fingerprints::qdiscConfig).orElse("");
    }

    @Override
    public List<HostView.Read> reads(Resource.Key key) {
        return List.of(new HostView.Read.Queues(key.scope(), key.id()));
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> {
                out.tc(c.resource().scope(), new TcOp.HtbRoot(c.resource().id()));
                classes(c.resource(), "(none)", out);
            }
            case Step.Modify m -> classes(m.to(), m.from().attr("default-leaf"), out);
            case Step.Delete d -> out.tc(d.resource().scope(), new TcOp.DeleteQdisc(d.resource().id(), null));
        }
    }

    private static void classes(Resource r, String leafNow, Batches out) {
        String dev = r.id();
        Rate rate = Rate.parse(r.attr("rate"));
        out.tc(r.scope(), new TcOp.HtbClass(dev, "1:", PARENT, rate.bitsPerSecond(), rate.bitsPerSecond(), -1, -1, null));
        out.tc(r.scope(), new TcOp.HtbClass(dev, PARENT, DEFAULT, Rate.parse(r.attr("default-rate")).bitsPerSecond(),
                rate.bitsPerSecond(), -1, -1, r.attr("default-prio")));
        TbfLeaf.from(r.attributes(), "default-").render(out, r.scope(), dev, DEFAULT, rate, leafNow == null ? "(none)" : leafNow);
    }
}
