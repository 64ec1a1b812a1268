package io.netpersona.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A persona between two others, for moving an application gradually from one persona to another.
 *
 * <p>At weight {@code w}: numbers interpolate ({@code a + w(b - a)}, integers and units rounded to the
 * nearest), so they move monotonically from a's value to b's; choices (names, enums, addresses, whole
 * parts such as the app selector or the topology) switch from a to b at {@code w >= 0.5}; while
 * {@code 0 < w < 1} the firewall allows the union of both allowlists, and the dependencies are the union
 * of both (by name), so that nothing either side needs is cut off mid-move. {@code blend(a, b, 0)} is a
 * and {@code blend(a, b, 1)} is b. A field absent on one side is a choice. Blending two valid personas
 * gives a valid persona: interpolated values stay inside the range both ends are in, and a guaranteed
 * rate is capped at the blended ceiling.
 */
public final class PersonaBlend {
    /** The weight at which choices switch from a to b. */
    public static final double SWITCH_AT = 0.5;
    private final double w;

    private PersonaBlend(double w) {
        this.w = w;
    }

    public static Persona blend(Persona a, Persona b, double w) {
        if (!(w >= 0 && w <= 1)) {
            throw new IllegalArgumentException("weight: " + w + " (expected: 0..1)");
        }
        if (w == 0) {
            return a;
        }
        if (w == 1) {
            return b;
        }
        PersonaBlend blend = new PersonaBlend(w);
        return new Persona(blend.choose(a.apiVersion(), b.apiVersion()), blend.choose(a.kind(), b.kind()),
                blend.choose(a.metadata(), b.metadata()), blend.spec(a.spec(), b.spec()),
                blend.choose(a.evidence(), b.evidence()));
    }

    private Spec spec(Spec a, Spec b) {
        if (a == null || b == null) {
            return choose(a, b);
        }
        return new Spec(choose(a.app(), b.app()), choose(a.trafficClass(), b.trafficClass()),
                choose(a.topology(), b.topology()), qos(a.qos(), b.qos()), choose(a.tcp(), b.tcp()),
                integer(a.mtu(), b.mtu()), choose(a.dns(), b.dns()), choose(a.routing(), b.routing()),
                security(a.security(), b.security()), dependencies(a.dependencies(), b.dependencies()),
                adaptation(a.adaptation(), b.adaptation()));
    }

    private Qos qos(Qos a, Qos b) {
        if (a == null || b == null) {
            return choose(a, b);
        }
        Rate guaranteed = rate(a.guaranteedRate(), b.guaranteedRate());
        Rate ceil = rate(a.ceilRate(), b.ceilRate());
        if (guaranteed != null && ceil != null && guaranteed.compareTo(ceil) > 0) {
            guaranteed = ceil; // one side's ceiling met the other side's guarantee: never promise above the cap
        }
        ByteSize burst = a.burst() == null || b.burst() == null ? choose(a.burst(), b.burst())
                : new ByteSize(lerp(a.burst().bytes(), b.burst().bytes()));
        return new Qos(integer(a.priority(), b.priority()), choose(a.dscp(), b.dscp()), guaranteed, ceil, burst);
    }

    private Security security(Security a, Security b) {
        if (a == null || b == null) {
            return choose(a, b);
        }
        Limits limits = a.limits() == null || b.limits() == null ? choose(a.limits(), b.limits())
                : new Limits(integer(a.limits().newConnectionsPerSecond(), b.limits().newConnectionsPerSecond()),
                        integer(a.limits().connectionsPerSource(), b.limits().connectionsPerSource()));
        return new Security(choose(a.defaultAction(), b.defaultAction()), union(a.allow(), b.allow()), limits,
                choose(a.logDropped(), b.logDropped()));
    }

    private List<Dependency> dependencies(List<Dependency> a, List<Dependency> b) {
        if (a == null && b == null) {
            return null;
        }
        Map<String, Dependency> byName = new LinkedHashMap<>();
        for (Dependency d : a == null ? List.<Dependency>of() : a) {
            byName.put(d.name(), d);
        }
        for (Dependency d : b == null ? List.<Dependency>of() : b) {
            byName.merge(d.name(), d, this::dependency);
        }
        return new ArrayList<>(byName.values());
    }

    private Dependency dependency(Dependency a, Dependency b) {
        return new Dependency(a.name(), choose(a.address(), b.address()), choose(a.host(), b.host()),
                choose(a.proto(), b.proto()), choose(a.port(), b.port()), choose(a.critical(), b.critical()),
                real(a.rttP50Ms(), b.rttP50Ms()));
    }

    private Adaptation adaptation(Adaptation a, Adaptation b) {
        if (a == null || b == null) {
            return choose(a, b);
        }
        return new Adaptation(real(a.latencyHighMs(), b.latencyHighMs()), real(a.lossMediumPct(), b.lossMediumPct()),
                duration(a.verifyWindow(), b.verifyWindow()), duration(a.cooldown(), b.cooldown()),
                choose(a.mode(), b.mode()));
    }

    private static <T> List<T> union(List<T> a, List<T> b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        List<T> out = new ArrayList<>(a);
        b.stream().filter(x -> !out.contains(x)).forEach(out::add);
        return out;
    }

    private <T> T choose(T a, T b) {
        return w >= SWITCH_AT ? b : a;
    }

    private Integer integer(Integer a, Integer b) {
        return a == null || b == null ? choose(a, b) : (Integer) (int) lerp(a, b);
    }

    private Double real(Double a, Double b) {
        return a == null || b == null ? choose(a, b) : a + w * (b - a);
    }

    private Rate rate(Rate a, Rate b) {
        return a == null || b == null ? choose(a, b) : new Rate(lerp(a.bitsPerSecond(), b.bitsPerSecond()));
    }

    private Duration duration(Duration a, Duration b) {
        return a == null || b == null ? choose(a, b) : Duration.ofNanos(lerp(a.toNanos(), b.toNanos()));
    }

    /** {@code a + w(b - a)}, rounded: monotone in w for fixed a and b, exact at both ends. */
    private long lerp(long a, long b) {
        return Math.round(a + w * ((double) b - (double) a));
    }
}
