package io.netpersona.lab;

import io.netpersona.model.Durations;
import io.netpersona.model.Rate;
import io.netpersona.substrate.linux.Commands;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Reads a lab's {@link LabStatus} from the kernel and the delay element's status file. */
final class StatusReader {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final Commands commands;

    StatusReader(Commands commands) {
        this.commands = commands;
    }

    LabStatus read(String prefix, LabFiles files) {
        List<String> problems = new ArrayList<>();
        Optional<LabFiles.Saved> saved;
        try {
            saved = files.load();
        } catch (LabException e) {
            saved = Optional.empty();
            problems.add(e.getMessage());
        }
        if (saved.isPresent() && !saved.get().config().prefix().equals(prefix)) {
            problems.add(files.path(LabFiles.LAB) + " describes the lab " + saved.get().config().prefix() + ", not " + prefix);
            saved = Optional.empty();
        }
        List<String> present = Cleaner.namespacesWith(prefix);
        Map<String, String[]> expected = new LinkedHashMap<>(); // name -> role, address
        Optional<LabLayout> layout = saved.map(s -> new LabLayout(s.config()));
        layout.ifPresent(l -> roles(l, expected));
        present.stream().filter(n -> !expected.containsKey(n)).forEach(n -> expected.put(n, new String[] {"unknown", null}));

        List<LabStatus.NamespaceInfo> namespaces = new ArrayList<>();
        for (var e : expected.entrySet()) {
            boolean exists = present.contains(e.getKey());
            if (!exists) {
                problems.add("namespace " + e.getKey() + " (" + e.getValue()[0] + ") is missing");
            } else if (e.getValue()[0].equals("unknown") && layout.isPresent()) {
                problems.add("namespace " + e.getKey() + " has the lab's prefix but is not part of the lab");
            }
            namespaces.add(new LabStatus.NamespaceInfo(e.getKey(), e.getValue()[0], exists, e.getValue()[1],
                    exists ? links(e.getKey()) : List.of()));
        }

        Map<String, Long> element = elementStatus(files);
        List<LabStatus.PathInfo> paths = new ArrayList<>();
        if (layout.isPresent()) {
            LabLayout l = layout.get();
            Map<String, Long> counters = present.contains(l.router()) ? nftCounters(l.router()) : Map.of();
            for (Site s : Site.values()) {
                paths.add(path(l, s, present, element, counters, problems));
            }
        }
        LabStatus.DelayElementInfo delay = delayElement(prefix, saved, element, problems);
        if (saved.isEmpty() && !present.isEmpty()) {
            problems.add("namespaces with the prefix " + prefix + " exist, but no " + files.path(LabFiles.LAB) + " describes them");
        }
        LabStatus.State state = present.isEmpty() && saved.isEmpty() && problems.isEmpty() ? LabStatus.State.DOWN
                : problems.isEmpty() && saved.isPresent() ? LabStatus.State.UP : LabStatus.State.BROKEN;
        String picture = files.read(LabFiles.PICTURE).isPresent() ? files.path(LabFiles.PICTURE).toString() : null;
        return new LabStatus(prefix, files.dir().toString(), state, namespaces, paths, delay, picture, problems);
    }

    private static void roles(LabLayout l, Map<String, String[]> out) {
        out.put(l.router(), new String[] {"router", l.clientRouterAddress()});
        for (Site s : Site.values()) {
            out.put(l.wire(s), new String[] {"wire " + s.label(), null});
            out.put(l.host(s), new String[] {"host " + s.label(), l.uplinkAddress(s)});
            for (String app : l.config().site(s).apps()) {
                out.put(l.app(s, app), new String[] {"app " + app + " " + s.label(), l.appAddress(s, app)});
            }
        }
        for (int i = 1; i <= l.config().clients(); i++) {
            out.put(l.client(i), new String[] {"client", l.clientAddress(i)});
        }
    }

    private List<LabStatus.LinkInfo> links(String ns) {
        List<LabStatus.LinkInfo> out = new ArrayList<>();
        for (JsonNode link : json(List.of("ip", "-n", ns, "-j", "link", "show"))) {
            String name = link.path("ifname").asString();
            if (!name.equals("lo")) {
                out.add(new LabStatus.LinkInfo(name, link.path("operstate").asString(), link.path("mtu").asInt(), link.path("qdisc").asString()));
            }
        }
        return out;
    }

    private LabStatus.PathInfo path(LabLayout l, Site s, List<String> present, Map<String, Long> element,
                                    Map<String, Long> counters, List<String> problems) {
        String rateTo = "?", rateFrom = "?", uplink = "?";
        int fifo = 0, mtu = 0;
        if (present.contains(l.wire(s))) {
            Map<String, String> rates = new HashMap<>();
            for (JsonNode q : json(List.of("tc", "-n", l.wire(s), "-j", "qdisc", "show"))) {
                if (q.path("kind").asString().equals("tbf")) {
                    rates.put(q.path("dev").asString(""), Rate.ofBitsPerSecond(q.path("options").path("rate").asLong() * 8).toString());
                } else if (q.path("kind").asString().equals("pfifo")) {
                    fifo = q.path("options").path("limit").asInt();
                }
            }
            rateTo = rates.getOrDefault(l.wireToHost(s), "none");
            rateFrom = rates.getOrDefault(l.wireToRouter(s), "none");
            if (rateTo.equals("none") || rateFrom.equals("none")) {
                problems.add(s.label() + ": the wire's queue is missing (" + l.wire(s) + ")");
            }
            uplink = links(l.wire(s)).stream().filter(x -> x.name().equals(l.wireToRouter(s))).map(x -> x.state().toLowerCase(java.util.Locale.ROOT))
                    .findFirst().orElse("missing");
        }
        if (present.contains(l.router())) {
            mtu = links(l.router()).stream().filter(x -> x.name().equals(l.delayDevice(s))).mapToInt(LabStatus.LinkInfo::mtu).findFirst().orElse(0);
            if (mtu == 0) {
                problems.add(s.label() + ": the delay device " + l.delayDevice(s) + " is missing");
            }
        }
        Long us = element.get(l.delayDevice(s) + ".delay_us");
        String delay = us == null ? "?" : Durations.format(Duration.ofNanos(us * 1000));
        String to = "to-" + s.letter(), from = "from-" + s.letter();
        if (present.contains(l.router()) && !counters.containsKey(to)) {
            problems.add(s.label() + ": the loss rules are missing in " + l.router());
        }
        double loss = counters.getOrDefault("permille-" + to, 0L) / 10.0;
        return new LabStatus.PathInfo(s.label(), rateTo, rateFrom, fifo, delay, loss, mtu, uplink,
                counters.getOrDefault(to, 0L), counters.getOrDefault("loss-" + to, 0L),
                counters.getOrDefault(from, 0L), counters.getOrDefault("loss-" + from, 0L));
    }

    /** Counter packets by rule comment, and each loss rule's threshold (per mille) as {@code permille-<dir>-<site>}. */
    private Map<String, Long> nftCounters(String router) {
        Map<String, Long> out = new HashMap<>();
        Commands.Result r = commands.run(List.of("ip", "netns", "exec", router, "nft", "-j", "list", "table", "ip", LabBuild.NFT_TABLE), null);
        if (!r.ok()) {
            return out;
        }
        for (JsonNode item : JSON.readTree(r.stdout()).path("nftables")) {
            JsonNode rule = item.path("rule");
            String comment = rule.path("comment").asString("");
            if (comment.isEmpty()) {
                continue;
            }
            for (JsonNode expr : rule.path("expr")) {
                if (expr.has("counter")) {
                    out.put(comment, expr.path("counter").path("packets").asLong());
                }
                if (expr.path("match").path("left").has("numgen")) {
                    out.put("permille-" + comment.substring("loss-".length()), expr.path("match").path("right").asLong());
                }
            }
        }
        return out;
    }

    static Map<String, Long> elementStatus(LabFiles files) {
        Map<String, Long> out = new HashMap<>();
        Optional<String> text = files.read(LabFiles.STATUS);
        if (text.isEmpty()) {
            return out;
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(text.get()));
        } catch (IOException | IllegalArgumentException e) {
            return out;
        }
        for (String k : p.stringPropertyNames()) {
            try {
                out.put(k, Long.parseLong(p.getProperty(k).strip()));
            } catch (NumberFormatException e) {
                // a failure text; the element's log has it in full
            }
        }
        return out;
    }

    private static LabStatus.DelayElementInfo delayElement(String prefix, Optional<LabFiles.Saved> saved, Map<String, Long> element,
                                                           List<String> problems) {
        Long pid = saved.flatMap(s -> s.elementPid().isPresent() ? Optional.of(s.elementPid().getAsLong()) : Optional.empty()).orElse(null);
        boolean alive = pid != null && isDelayElement(pid);
        List<Long> running = Cleaner.delayElements(prefix);
        if (saved.isPresent() && !alive) {
            problems.add(pid == null ? "the delay element was never recorded as started" : "the delay element (pid " + pid + ") is not running");
        }
        for (long other : running) {
            if (pid == null || other != pid) {
                problems.add("a delay element of this prefix runs unrecorded (pid " + other + ", left by an interrupted up)");
            }
        }
        Long heartbeat = element.get("heartbeat");
        Long age = heartbeat == null ? null : Math.max(0, System.currentTimeMillis() - heartbeat);
        long passed = 0, dropped = 0;
        for (var e : element.entrySet()) {
            if (e.getKey().endsWith(".passed")) {
                passed += e.getValue();
            } else if (e.getKey().endsWith(".dropped")) {
                dropped += e.getValue();
            }
        }
        if (alive && age != null && age > 5000) {
            problems.add("the delay element (pid " + pid + ") has not reported for " + age + " ms");
        }
        return new LabStatus.DelayElementInfo(pid, alive, age, passed, dropped);
    }

    /** The pid is alive and is a delay element (not another process that got the pid since). */
    static boolean isDelayElement(long pid) {
        return Cleaner.cmdline(Path.of("/proc", Long.toString(pid))).contains(DelayElement.class.getName());
    }

    private JsonNode json(List<String> argv) {
        Commands.Result r = commands.run(argv, null);
        if (!r.ok() || r.stdout().isBlank()) {
            return JSON.createArrayNode();
        }
        return JSON.readTree(r.stdout());
    }
}
