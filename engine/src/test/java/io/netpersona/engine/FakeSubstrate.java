package io.netpersona.engine;

import io.netpersona.model.Change;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaDiff;
import io.netpersona.substrate.Applied;
import io.netpersona.substrate.ApplyFailedException;
import io.netpersona.substrate.Capabilities;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Observation;
import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.Substrate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A host in memory: it realises whole personas, plans one step per changed field, and reports the
 * metrics the test's world computes from the persona it realises now.
 */
final class FakeSubstrate implements Substrate {
    private final FakeClock clock;
    volatile Persona realised;
    volatile Function<Persona, Metrics> world;
    volatile boolean failNextApply;
    final List<ChangeSet> applied = new ArrayList<>();
    final AtomicInteger reverts = new AtomicInteger();
    /** Every call of apply, also the ones that fail, so that a test can prove nothing was even tried. */
    final AtomicInteger applyCalls = new AtomicInteger();
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger mostInside = new AtomicInteger();
    volatile Runnable duringApply = () -> {};

    FakeSubstrate(FakeClock clock, Persona realised) {
        this.clock = clock;
        this.realised = realised;
        this.world = p -> Metrics.none(clock.millis());
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities("fake", Map.of());
    }

    @Override
    public Observation observe(Persona persona) {
        enter();
        try {
            return new Observation(persona.name(), Map.of(), List.of(), world.apply(realised));
        } finally {
            inside.decrementAndGet();
        }
    }

    @Override
    public ChangeSet plan(Observation actual, Persona desired) {
        List<Step> steps = new ArrayList<>();
        for (Change c : PersonaDiff.diff(realised, desired)) {
            steps.add(new Step.Modify(field(c.path(), c.oldValue()), field(c.path(), c.newValue())));
        }
        return new ChangeSet(desired.name(), steps, desired);
    }

    @Override
    public ChangeSet planRemoval(String personaName) {
        return new ChangeSet(personaName, List.of());
    }

    @Override
    public Applied apply(ChangeSet changes) {
        applyCalls.incrementAndGet();
        enter();
        try {
            duringApply.run();
            if (failNextApply) {
                failNextApply = false;
                throw new ApplyFailedException(changes.steps().getFirst(), "tc said no", true, "");
            }
            Persona before = realised;
            realised = changes.target();
            synchronized (applied) {
                applied.add(changes);
            }
            return new Applied(changes, Map.of(), before, clock.millis());
        } finally {
            inside.decrementAndGet();
        }
    }

    @Override
    public void revert(Applied a) {
        reverts.incrementAndGet();
        realised = a.previous();
    }

    int applies() {
        synchronized (applied) {
            return applied.size();
        }
    }

    private void enter() {
        int n = inside.incrementAndGet();
        mostInside.accumulateAndGet(n, Math::max);
    }

    private static Resource field(String path, Object value) {
        return new Resource("persona-field", "", path, value == null ? Map.of() : Map.of("value", String.valueOf(value)));
    }
}
