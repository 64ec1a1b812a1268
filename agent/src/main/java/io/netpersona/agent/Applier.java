package io.netpersona.agent;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Problem;
import io.netpersona.proto.agent.v1.Assignment;
import io.netpersona.proto.agent.v1.AssignmentUpdate;
import io.netpersona.proto.agent.v1.Refusal;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.InvalidRequestException;
import io.netpersona.substrate.Observation;
import io.netpersona.substrate.Substrate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Realises the node's assignments on the host through the {@link Substrate}, one persona at a time, and
 * keeps {@link LocalState} ahead of the host: the intent is saved before the host is touched and what runs
 * after the apply returned. A persona that cannot be applied leaves the last good version running (the
 * substrate's apply is all or nothing, so a failed one put the host back).
 *
 * <p>Called from the agent's one worker thread only.
 */
final class Applier {
    /** The local adaptation engine's view of what the agent does: it must not adapt a persona while it is replaced. */
    interface Adaptation {
        void pause(String persona);

        void resume(Persona persona);
    }

    private final Substrate substrate;
    private final LocalState state;
    private final Adaptation adaptation;
    private final Consumer<String> log;
    private volatile List<Persona> runningPersonas = List.of();

    Applier(Substrate substrate, LocalState state, Adaptation adaptation, Consumer<String> log) {
        this.substrate = substrate;
        this.state = state;
        this.adaptation = adaptation;
        this.log = log;
    }

    /** persona -> version of what runs now. */
    Map<String, Long> running() {
        return state.runningVersions();
    }

    /** The documents of what runs, for the observation thread (a snapshot, safe to read from any thread). */
    List<Persona> runningPersonas() {
        return runningPersonas;
    }

    /**
     * Brings the host to what the state folder says after a restart: each persona the agent was told to run
     * is planned again from the kernel's actual state (an apply a crash cut short was undone by the substrate
     * first), and what it was told to stop running is removed. A version that no longer applies falls back
     * to the one that ran before it.
     */
    void converge() {
        for (String name : new TreeSet<>(union())) {
            LocalState.Doc want = state.desired().get(name);
            LocalState.Doc had = state.running().get(name);
            if (want == null) {
                remove(name);
                continue;
            }
            String why = realise(name, want);
            if (why == null) {
                state.ran(name, want);
                log.accept("persona " + name + ": version " + want.version() + " runs (converged after the agent's start)");
            } else if (had != null && had.version() != want.version() && realise(name, had) == null) {
                state.want(name, had);
                log.accept("persona " + name + ": version " + want.version() + " does not apply (" + why + "); version "
                        + had.version() + " runs again");
            } else {
                // not claimed as running: the control plane sends it again and hears the reason in a NACK
                state.ran(name, null);
                log.accept("persona " + name + ": version " + want.version() + " does not apply (" + why + ")");
            }
        }
        snapshot();
        for (Persona p : runningPersonas) {
            adaptation.resume(p);
        }
    }

    private java.util.Set<String> union() {
        java.util.Set<String> names = new TreeSet<>(state.desired().keySet());
        names.addAll(state.running().keySet());
        return names;
    }

    /** Processes one update: every assignment, then every removal. Returns one refusal per persona not realised. */
    List<Refusal> update(AssignmentUpdate u) {
        List<Refusal> refusals = new ArrayList<>();
        for (Assignment a : u.getAssignmentsList()) {
            Refusal r = assign(a);
            if (r != null) {
                refusals.add(r);
            }
        }
        for (String name : u.getRemovalsList()) {
            state.want(name, null);
            String why = remove(name);
            if (why != null) {
                refusals.add(Refusal.newBuilder().setPersona(name).setReason("removal failed: " + why).build());
            }
        }
        snapshot();
        return refusals;
    }

    private Refusal assign(Assignment a) {
        Refusal.Builder refusal = Refusal.newBuilder().setPersona(a.getPersona()).setVersion(a.getVersion());
        Persona p;
        switch (PersonaCodec.parse(a.getDocumentJson(), PersonaCodec.Format.JSON)) {
            case PersonaCodec.Parsed.Invalid i -> {
                i.problems().forEach(pr -> refusal.addProblems(pr.toString()));
                return refusal.setReason("document: invalid (" + i.problems().getFirst()
                        + (i.problems().size() > 1 ? "; and " + (i.problems().size() - 1) + " more" : "") + ")").build();
            }
            case PersonaCodec.Parsed.Valid v -> p = v.persona();
        }
        if (!a.getPersona().equals(p.name())) {
            return refusal.setReason("metadata.name: " + p.name() + " (expected: " + a.getPersona() + ", the assigned persona)").build();
        }
        LocalState.Doc doc = new LocalState.Doc(a.getVersion(), a.getDocumentJson());
        LocalState.Doc had = state.running().get(a.getPersona());
        state.want(a.getPersona(), doc);
        adaptation.pause(a.getPersona());
        try {
            String why = apply(p, refusal);
            if (why == null) {
                state.ran(a.getPersona(), doc);
                log.accept("persona " + a.getPersona() + ": version " + a.getVersion() + " applied");
                adaptation.resume(p);
                return null;
            }
            state.want(a.getPersona(), had);
            log.accept("persona " + a.getPersona() + ": version " + a.getVersion() + " refused: " + why
                    + (had == null ? "" : "; version " + had.version() + " keeps running"));
            return refusal.setReason(why).build();
        } finally {
            if (had != null && !state.running().get(a.getPersona()).equals(doc)) {
                adaptation.resume(parse(had));
            }
        }
    }

    /** Plans against the host's actual state and applies; the reason when it cannot (null: done). */
    private String apply(Persona p, Refusal.Builder refusal) {
        try {
            Observation actual = substrate.observeState(p);
            ChangeSet plan = substrate.plan(actual, p);
            if (!plan.isEmpty()) {
                substrate.apply(plan);
            }
            return null;
        } catch (InvalidRequestException e) {
            for (Problem pr : e.problems()) {
                if (refusal != null) {
                    refusal.addProblems(pr.toString());
                }
            }
            return e.problems().isEmpty() ? e.getMessage() : e.problems().getFirst().toString()
                    + (e.problems().size() > 1 ? "; and " + (e.problems().size() - 1) + " more" : "");
        } catch (RuntimeException e) {
            // an ApplyFailedException, or a substrate that failed otherwise: either way the host was put back
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    private String realise(String name, LocalState.Doc doc) {
        Persona p;
        try {
            p = parse(doc);
        } catch (RuntimeException e) {
            return "the saved document of " + name + " does not read: " + e.getMessage();
        }
        return apply(p, null);
    }

    private String remove(String name) {
        adaptation.pause(name);
        try {
            ChangeSet plan = substrate.planRemoval(name);
            if (!plan.isEmpty()) {
                substrate.apply(plan);
            }
            if (state.running().containsKey(name)) {
                log.accept("persona " + name + ": removed");
            }
            state.ran(name, null);
            return null;
        } catch (RuntimeException e) {
            log.accept("persona " + name + ": removal failed: " + e.getMessage());
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    private void snapshot() {
        List<Persona> out = new ArrayList<>();
        state.running().values().forEach(d -> out.add(parse(d)));
        runningPersonas = List.copyOf(out);
    }

    private static Persona parse(LocalState.Doc doc) {
        return PersonaCodec.read(doc.json(), PersonaCodec.Format.JSON);
    }
}
