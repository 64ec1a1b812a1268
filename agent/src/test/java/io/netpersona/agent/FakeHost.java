package io.netpersona.agent;

import io.netpersona.model.Persona;
import io.netpersona.model.Problem;
import io.netpersona.substrate.Applied;
import io.netpersona.substrate.ApplyFailedException;
import io.netpersona.substrate.Capabilities;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.InvalidRequestException;
import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Observation;
import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.Substrate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A host in memory: one resource per persona holding its version and MTU. It outlives the agents of a test,
 * as a kernel outlives its processes. A persona in namespace {@code missing} is refused at planning, one
 * with MTU 1234 fails at apply (and changes nothing, as a real apply that is put back).
 */
class FakeHost implements Substrate {
    final Map<String, Resource> kernel = new TreeMap<>();
    /** Every apply that changed something, as name@version (or name@removed). */
    final List<String> applies = new ArrayList<>();

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities("fake", Map.of("qdisc/htb", new Capabilities.Capability("qdisc/htb", true, null),
                "congestion/bbr", new Capabilities.Capability("congestion/bbr", false, "not in this kernel")));
    }

    @Override
    public synchronized Observation observe(Persona persona) {
        Map<Resource.Key, Resource> actual = new TreeMap<>();
        Resource r = kernel.get(persona.name());
        if (r != null) {
            actual.put(r.key(), r);
        }
        Metrics m = new Metrics(System.currentTimeMillis(), new Metrics.Counters(1000, 10, 2000, 20), List.of(
                new Metrics.TcpSocket("10.0.0.1:80", "10.0.0.2:5000", "ESTAB", "cubic", 4.0, 1.0, 0, 1_000_000, 10)),
                List.of(), List.of());
        return new Observation(persona.name(), actual, List.of(), m);
    }

    @Override
    public synchronized ChangeSet plan(Observation actual, Persona desired) {
        if ("missing".equals(desired.spec().app().netns())) {
            throw new InvalidRequestException(List.of(new Problem("spec.app.netns",
                    "missing (expected: an existing network namespace)")));
        }
        Resource want = new Resource("fake", "", desired.name(), Map.of("version", String.valueOf(desired.metadata().version()),
                "mtu", String.valueOf(desired.spec().mtu())));
        Resource have = kernel.get(desired.name());
        if (want.equals(have)) {
            return new ChangeSet(desired.name(), List.of(), desired);
        }
        return new ChangeSet(desired.name(), List.of(have == null ? new Step.Create(want) : new Step.Modify(have, want)), desired);
    }

    @Override
    public synchronized ChangeSet planRemoval(String personaName) {
        Resource have = kernel.get(personaName);
        return new ChangeSet(personaName, have == null ? List.of() : List.of(new Step.Delete(have)));
    }

    @Override
    public synchronized Applied apply(ChangeSet changes) {
        Step s = changes.steps().getFirst();
        if (changes.target() != null && "1234".equals(changes.target().spec().mtu() + "")) {
            throw new ApplyFailedException(s, "ip: RTNETLINK answers: Invalid argument (mtu 1234 refused by the fake)", true, "");
        }
        if (changes.target() == null) {
            kernel.remove(changes.persona());
            applies.add(changes.persona() + "@removed");
        } else {
            Resource r = switch (s) {
                case Step.Create c -> c.resource();
                case Step.Modify m -> m.to();
                case Step.Delete d -> throw new IllegalStateException();
            };
            kernel.put(changes.persona(), r);
            applies.add(changes.persona() + "@" + r.attr("version"));
        }
        return new Applied(changes, Map.of(), null, System.currentTimeMillis());
    }

    @Override
    public void revert(Applied applied) {
        throw new UnsupportedOperationException("the agent's tests never revert");
    }

    synchronized String version(String persona) {
        Resource r = kernel.get(persona);
        return r == null ? null : r.attr("version");
    }

    synchronized List<String> applies() {
        return List.copyOf(applies);
    }
}
