package io.netpersona.substrate;

import io.netpersona.model.Persona;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Something that can realise personas: a Linux host, a simulated network. Operations are idempotent:
 * {@code apply(plan(observe(p), p))} twice leaves the second plan empty.
 *
 * <p>Implementations say what they can do before they are asked ({@link #capabilities()}), refuse what
 * they cannot do with the field and the reason ({@link InvalidRequestException}, nothing applied), and
 * apply a change set all or nothing ({@link ApplyFailedException} after putting the host back).
 */
public interface Substrate {
    String name();

    Capabilities capabilities();

    /** The persona's actual state here: the resources it sets (or set before), drift, and metrics. */
    Observation observe(Persona persona);

    /**
     * The persona's state here for planning, where its metrics are not needed; a substrate that reads state
     * more cheaply without them says so by overriding this.
     */
    default Observation observeState(Persona persona) {
        return observe(persona);
    }

    /**
     * The metrics of many personas by name, what a sampler asks every interval; a substrate that can read them
     * all at once overrides this (and may leave out personas it holds nothing of).
     */
    default Map<String, Metrics> sample(List<Persona> personas) {
        Map<String, Metrics> out = new LinkedHashMap<>();
        for (Persona p : personas) {
            out.put(p.name(), observe(p).metrics());
        }
        return out;
    }

    /** The steps that take the host from {@code actual} to {@code desired}; empty when they match. */
    ChangeSet plan(Observation actual, Persona desired);

    /** The steps that remove everything the persona put here and put back what it changed. */
    ChangeSet planRemoval(String personaName);

    /** Applies a change set as one transaction. */
    Applied apply(ChangeSet changes);

    /** Puts back the state from before {@code applied}. */
    void revert(Applied applied);
}
