package io.netpersona.learn.synth;

import io.netpersona.learn.profile.Profile;
import io.netpersona.learn.profile.ProfileException;
import io.netpersona.learn.profile.RateMeter;
import io.netpersona.model.AppSelector;
import io.netpersona.model.ByteSize;
import io.netpersona.model.Dependency;
import io.netpersona.model.Dns;
import io.netpersona.model.Evidence;
import io.netpersona.model.IpAddress;
import io.netpersona.model.Metadata;
import io.netpersona.model.Names;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaValidator;
import io.netpersona.model.PortSelector;
import io.netpersona.model.Problem;
import io.netpersona.model.Qos;
import io.netpersona.model.Rate;
import io.netpersona.model.Spec;
import io.netpersona.model.Tcp;
import io.netpersona.model.Topology;
import io.netpersona.model.TopologyKind;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A persona from a {@link Profile}: the {@link ClassTemplate} of its class filled with the measured numbers,
 * a firewall that allows what the capture showed and nothing else, DNS from the resolvers it used, its
 * dependencies and topology, and evidence that says why each value is what it is. The result is always
 * valid ({@link PersonaValidator}); an invalid one is a bug and fails loudly.
 *
 * <ul>
 *   <li>guaranteedRate: the template's percentile of the per-second rate times its headroom, rounded up to two
 *       significant digits, at least {@link #MIN_GUARANTEED};
 *   <li>ceilRate: the peak second times the template's ceiling headroom, rounded up the same way, at least
 *       the guaranteed rate and {@link #MIN_CEIL};
 *   <li>burst: 10 ms at the ceiling, 16KiB..4MiB;
 *   <li>limits: the template's factor times the peak of new flows per second (at least 10) and times the most
 *       flows one client had open at once (at least 8).
 * </ul>
 */
public final class PersonaSynthesizer {
    /** The longest duration the persona document reads back. */
    static final Duration MAX_DURATION = Duration.ofDays(365);
    public static final Rate MIN_GUARANTEED = Rate.parse("100kbit"), MIN_CEIL = Rate.parse("1Mbit");
    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /**
     * What the profile does not say.
     *
     * @param name the persona's name ([a-z0-9-], see {@link Names#NAME}), or null to derive one
     * @param netns the application's namespace (for spec.app), or null
     * @param capture what the evidence names as the capture
     * @param learnedAt when
     */
    public record Request(String name, String netns, String capture, Instant learnedAt) {
        public Request {
            Objects.requireNonNull(capture, "capture");
            Objects.requireNonNull(learnedAt, "learnedAt");
        }
    }

    private PersonaSynthesizer() {
    }

    /**
     * @throws ProfileException when the persona could not say how to find the application on a host: it serves no
     *     TCP or UDP port and no namespace was given
     * @throws IllegalStateException when the result would be invalid (a bug), listing every problem
     */
    public static Persona synthesize(Profile profile, Request request) {
        boolean ports = profile.served().stream().anyMatch(s -> s.protocol().hasPorts());
        if (!ports && request.netns() == null) {
            throw new ProfileException("the application (" + profile.selectionReason() + ") serves no TCP or UDP port, and a "
                    + "persona finds its application by namespace or ports: learn it live with --netns, or select another "
                    + "with --app-port");
        }
        String name = request.name() != null ? request.name() : defaultName(profile, request.netns());
        ClassTemplate t = ClassTemplate.of(profile.trafficClass().trafficClass());
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put("spec.app", profile.selectionReason());
        reasons.put("spec.trafficClass", profile.trafficClass().reason());
        List<Dependency> dependencies = new Dependencies(name).of(profile, reasons);
        Spec spec = new Spec(app(profile, request.netns()), profile.trafficClass().trafficClass(), topology(profile, name, dependencies, reasons),
                qos(profile, t, reasons), tcp(profile, t, reasons), mtu(t, reasons), dns(profile, reasons), null,
                Firewall.of(profile, t, dependencies, reasons), dependencies.isEmpty() ? null : dependencies, null);
        Persona p = Persona.of(Metadata.named(name), spec, evidence(profile, request, reasons));
        List<Problem> problems = PersonaValidator.validate(p);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("synthesised an invalid persona (a bug): " + problems);
        }
        return p;
    }

    /** The namespace's name made a persona name, else {@code app-} and the busiest served port. */
    public static String defaultName(Profile profile, String netns) {
        if (netns != null) {
            String n = netns.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
            if (!n.isEmpty()) {
                return n.length() > 63 ? n.substring(0, 63).replaceAll("-+$", "") : n;
            }
        }
        if (!profile.served().isEmpty()) {
            Profile.Served s = profile.served().getFirst();
            return "app-" + s.protocol().name().toLowerCase(Locale.ROOT) + (s.port() > 0 ? "-" + s.port() : "");
        }
        return "app-" + IpAddress.parse(profile.addresses().getFirst().getHostAddress()).toString().replaceAll("[^0-9a-f]+", "-");
    }

    private static AppSelector app(Profile profile, String netns) {
        List<PortSelector> ports = new ArrayList<>();
        for (Profile.Served s : profile.served()) {
            if (s.protocol().hasPorts() && s.port() > 0) {
                ports.add(new PortSelector(s.protocol(), s.port()));
            }
        }
        return new AppSelector(netns, null, null, ports.isEmpty() ? null : ports);
    }

    private static Qos qos(Profile profile, ClassTemplate t, Map<String, String> reasons) {
        RateMeter.Rates r = profile.rates();
        long base = switch (t.guaranteedFrom()) {
            case P50 -> r.p50BytesPerSecond();
            case P95 -> r.p95BytesPerSecond();
            case P99 -> r.p99BytesPerSecond();
        };
        String cls = t.trafficClass() == null ? "unknown class" : t.trafficClass().name().toLowerCase(Locale.ROOT);
        Rate measured = bits(base);
        Rate guaranteed = max(roundUp(measured.bitsPerSecond() * t.guaranteedHeadroom()), MIN_GUARANTEED);
        Rate peak = bits(r.peakBytesPerSecond());
        Rate ceil = max(max(roundUp(peak.bitsPerSecond() * t.ceilHeadroom()), guaranteed), MIN_CEIL);
        long burstBytes = Math.clamp(ceil.bitsPerSecond() / 8 / 100, 16 * 1024L, 4L << 20);
        ByteSize burst = ByteSize.ofBytes((burstBytes + 1023) / 1024 * 1024);
        reasons.put("spec.qos.priority", "template " + cls + ": " + t.why());
        reasons.put("spec.qos.dscp", "template " + cls);
        reasons.put("spec.qos.guaranteedRate", t.guaranteedFrom().name().toLowerCase(Locale.ROOT) + " " + measured + " x "
                + t.guaranteedHeadroom() + ", rounded up to two digits, at least " + MIN_GUARANTEED);
        reasons.put("spec.qos.ceilRate", "peak second " + peak + " x " + t.ceilHeadroom() + ", rounded up, at least the "
                + "guaranteed rate and " + MIN_CEIL);
        reasons.put("spec.qos.burst", "10 ms at the ceiling, 16KiB..4MiB");
        return new Qos(t.priority(), t.dscp(), guaranteed, ceil, burst);
    }

    private static Tcp tcp(Profile profile, ClassTemplate t, Map<String, String> reasons) {
        boolean usesTcp = profile.served().stream().anyMatch(s -> s.protocol() == io.netpersona.model.Protocol.TCP)
                || profile.dependencies().stream().anyMatch(d -> d.protocol() == io.netpersona.model.Protocol.TCP);
        if (t.congestionControl() == null || !usesTcp) {
            reasons.put("spec.tcp", usesTcp ? "the template leaves TCP alone" : "no TCP in the application's traffic");
            return null;
        }
        reasons.put("spec.tcp.congestionControl", "template " + t.trafficClass().name().toLowerCase(Locale.ROOT));
        return new Tcp(t.congestionControl());
    }

    private static Integer mtu(ClassTemplate t, Map<String, String> reasons) {
        if (t.mtu() != null) {
            reasons.put("spec.mtu", "template " + t.trafficClass().name().toLowerCase(Locale.ROOT));
        }
        return t.mtu();
    }

    private static Dns dns(Profile profile, Map<String, String> reasons) {
        List<IpAddress> servers = profile.dependencies().stream().filter(Profile.Peer::isDns)
                .sorted(java.util.Comparator.comparingLong(Profile.Peer::flows).reversed())
                .map(d -> new IpAddress(d.address())).distinct().limit(3).toList();
        if (servers.isEmpty()) {
            reasons.put("spec.dns", "the application asked no resolver: DNS left alone");
            return null;
        }
        reasons.put("spec.dns.servers", "the resolvers the application asked, most used first (at most 3)");
        return new Dns(servers, null);
    }

    private static Topology topology(Profile profile, String name, List<Dependency> dependencies, Map<String, String> reasons) {
        Profile.TopologyFit fit = profile.topology();
        reasons.put("spec.topology", fit.reason());
        if (fit.kind() == TopologyKind.MESH) {
            return new Topology(TopologyKind.MESH, null, null, null);
        }
        String hub = memberName(fit.hub(), profile, name, dependencies);
        return new Topology(fit.kind(), hub, null, fit.kind() == TopologyKind.TREE ? fit.fanout() : null);
    }

    /** The persona's name for the application's own address, a dependency's name for its, else host-ADDRESS. */
    static String memberName(InetAddress a, Profile profile, String name, List<Dependency> dependencies) {
        if (a == null || profile.addresses().contains(a)) {
            return name;
        }
        for (Dependency d : dependencies) {
            if (d.address() != null && d.address().address().equals(a)) {
                return d.name();
            }
        }
        return "host-" + new IpAddress(a).toString().replaceAll("[^0-9a-f]+", "-");
    }

    private static Evidence evidence(Profile profile, Request request, Map<String, String> reasons) {
        RateMeter.Rates r = profile.rates();
        reasons.put("evidence.rates", "bytes per second of " + (profile.rateAddress() == null ? "the application"
                : new IpAddress(profile.rateAddress())) + ", both directions, over " + r.seconds() + " seconds");
        reasons.put("evidence.packets", "the application's flows only (served and opened), both directions");
        Evidence.Rates rates = new Evidence.Rates(bits(r.p50BytesPerSecond()), bits(r.p95BytesPerSecond()),
                bits(r.p99BytesPerSecond()), bits(r.peakBytesPerSecond()));
        double confidence = Math.round(profile.trafficClass().confidence() * 100) / 100.0;
        Duration duration = Duration.ofMillis(profile.durationNanos() / 1_000_000);
        if (duration.compareTo(MAX_DURATION) > 0) {
            // broken or merged timestamps; the document holds at most a year
            reasons.put("evidence.duration", "the capture's timestamps span " + duration.toDays() + " days; written as the "
                    + "longest a persona holds, " + MAX_DURATION.toDays() + " days");
            duration = MAX_DURATION;
        }
        return new Evidence(request.capture(), request.learnedAt(), duration,
                profile.packets(), profile.bytes(), profile.flows(), rates, confidence, reasons);
    }

    static Rate bits(long bytesPerSecond) {
        return Rate.ofBitsPerSecond(Math.min(Rate.MAX_BITS_PER_SECOND, bytesPerSecond * 8));
    }

    /** Up to two significant digits: 2,612,000 -> 2,700,000. */
    static Rate roundUp(double bits) {
        long v = (long) Math.ceil(bits);
        if (v < 100) {
            return Rate.ofBitsPerSecond(v);
        }
        long unit = 1;
        while (v / unit >= 100) {
            unit *= 10;
        }
        return Rate.ofBitsPerSecond(Math.min(Rate.MAX_BITS_PER_SECOND, (v + unit - 1) / unit * unit));
    }

    private static Rate max(Rate a, Rate b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    static boolean isHost(String s) {
        return s != null && HOST.matcher(s).matches();
    }
}
