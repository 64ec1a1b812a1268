package io.netpersona.engine;

import io.netpersona.model.Adaptation;
import io.netpersona.model.AdaptationMode;
import io.netpersona.model.Change;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaDiff;
import io.netpersona.substrate.Applied;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Observation;
import io.netpersona.substrate.SubstrateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * The loop of one application, as a state machine: idle (observe, decide, maybe apply) or verifying a
 * change (sample, then keep or revert). Every method runs with {@link #lane} held, so its state needs no
 * other guard and no two steps of one application ever overlap.
 */
final class AppLoop {
    /** What the loops of one engine share. */
    record Env(io.netpersona.substrate.Substrate substrate, SignalSource source, Journal journal,
            java.time.InstantSource clock, EngineSettings settings) {}

    private record Verifying(String entryId, Applied applied, Persona before, List<String> rules, Signals signalsBefore,
            long startedAt, long windowMs, List<Signals> samples) {
        long nextSampleAt(int n) {
            return startedAt + windowMs * (samples.size() + 1) / n;
        }
    }

    final String app;
    final ReentrantLock lane = new ReentrantLock();
    private final Env env;
    private final HoldOffs holdOffs;
    private Persona assigned;
    private Persona current;
    private Metrics previous;
    /** The last sample taken, for the drops of its interval that the next one's retransmissions may answer. */
    private Signals lastSample;
    /** When the last sample whose interval had drops of the application's own class queues was taken. */
    private long ownDropsAt = Long.MIN_VALUE;
    /** The last sample whose rates span at least half an interval, and when its interval began. */
    private Signals lastFull;
    private long lastFullFrom;
    /** How long each rule's trigger held in the decisions' samples, and how often it came and went (see {@link Streaks}). */
    private final Streaks streaks = new Streaks();
    /** When the host last changed for this application (an apply or a revert), on the loop's clock. */
    private long changedAt = Long.MIN_VALUE;
    private Verifying verifying;
    // the runner's state, also guarded by the lane
    boolean running;
    Scheduler.Cancellable next;

    AppLoop(Persona persona, Env env) {
        this.app = persona.name();
        this.env = env;
        this.holdOffs = new HoldOffs(env.settings().damping());
        this.assigned = persona;
        this.current = persona;
    }

    Persona current() {
        return current;
    }

    /** A new assignment: bounds and the persona in force start from it; a change under verification is superseded. */
    void assign(Persona persona) {
        if (verifying != null) {
            env.journal().finish(verifying.entryId(), Outcome.INTERRUPTED, "a new assignment (version "
                    + persona.metadata().version() + ") replaced the persona before the verification ended", null, now());
            verifying = null;
        }
        assigned = persona;
        current = persona;
        streaks.reset();
    }

    /** Entries a previous process left pending: their outcome will never be known. */
    void closeInterrupted() {
        for (JournalEntry e : env.journal().pending(app)) {
            env.journal().finish(e.id(), Outcome.INTERRUPTED, "the process stopped between the decision and its outcome;"
                    + " the substrate undoes an apply it cut short, and the loop starts again from what it observes", null,
                    now());
        }
    }

    StepResult step() {
        return verifying != null ? verify(now()) : decide(now());
    }

    private StepResult decide(long now) {
        Adaptation a = current.spec().adaptation();
        if (a == null) {
            return noAction(now, "no-adaptation", "the persona has no adaptation section: nothing to adapt", null);
        }
        Observation obs;
        try {
            obs = env.substrate().observe(current);
        } catch (SubstrateException e) {
            streaks.gap();
            return noAction(now, "observe-failed", "cannot observe: " + e.getMessage(), null);
        }
        Signals s = sample(obs.metrics(), now);
        Policies.Evaluation ev = Policies.evaluate(Policies.forPersona(a, current.spec().trafficClass(), env.settings()),
                new Trigger.Context(s, current.spec(), assigned.spec()), holdOffs, now, streaks);
        streaks.sample(ev.holding(), ev.tentative());
        if (ev.acting().isEmpty()) {
            return noAction(now, ev.code(), String.join("; ", ev.notes()), s);
        }
        List<String> rules = ev.acting().stream().map(f -> f.rule().id()).toList();
        String reason = ev.acting().stream().map(f -> f.rule().id() + ": " + f.why()).collect(Collectors.joining("; "));
        String expected = ev.acting().stream().flatMap(f -> f.rule().then().stream()).map(Action::expected)
                .distinct().collect(Collectors.joining("; "));
        return change(now, obs, s, current.withSpec(ev.desired()), rules, reason, expected);
    }

    /**
     * A change asked for from outside the rules (an operator, or the lab showing a revert): planned,
     * applied, verified and judged like any other, and held off under the rule id {@link #FORCED} when it
     * is reverted.
     */
    StepResult force(Persona desired, String why) {
        if (verifying != null) {
            throw new IllegalStateException("app " + app + ": a change (" + verifying.entryId() + ") is under"
                    + " verification; force another after it is kept or reverted");
        }
        long now = now();
        Observation obs = env.substrate().observe(current);
        Signals s;
        if (previous != null && obs.metrics().sampledAtMillis() - previous.sampledAtMillis() < halfInterval()) {
            // forced right after another sample (a verdict, a step): rates over a few milliseconds say nothing, so a
            // throughput from counters is taken from the last sample over a real interval, if that began after the
            // host's last change (a sample of a version just reverted would judge the next change against the wrong
            // state). The look at the host here is not a sample: a refused call must not shorten the next one.
            s = Signals.of(previous, obs.metrics(), measured(), now);
            if (s.reported() == null || s.reported().throughputMbps() == null) {
                if (lastFull == null || lastFullFrom < changedAt) {
                    throw new IllegalStateException("app " + app + ": no measurement over a whole interval since its"
                            + " last change; force again after " + env.settings().interval().toMillis() + " ms");
                }
                s = lastFull;
            }
        } else {
            s = sample(obs.metrics(), now);
        }
        return change(now, obs, s, desired, List.of(FORCED), FORCED + ": " + why,
                "forced: " + why + "; judged like any change, and reverted if it makes things worse");
    }

    /** The rule id a forced change is journalled and held off under. */
    static final String FORCED = "forced";

    private StepResult change(long now, Observation obs, Signals s, Persona desired, List<String> rules, String reason,
            String expected) {
        // what held before a change says nothing of the host after it
        streaks.reset();
        Adaptation a = current.spec().adaptation();
        List<Change> changes = PersonaDiff.diff(current, desired);
        ChangeSet plan;
        try {
            plan = env.substrate().plan(obs, desired);
        } catch (SubstrateException e) {
            String held = holdAll(rules, now, "the substrate refused the plan");
            JournalEntry entry = act(now, Outcome.FAILED, "plan refused: " + e.getMessage() + "; " + held, rules, reason,
                    changes, null, expected, s);
            return result(StepResult.Kind.FAILED, entry.id(), env.settings().interval(), "plan refused: " + e.getMessage());
        }
        if (plan.isEmpty()) {
            current = desired;
            return noAction(now, "host-matches", reason + "; the host realises this already", s);
        }
        if (a != null && a.mode() == AdaptationMode.ADVISE) {
            // advice is held off like a change, so the same advice is not written every interval
            String held = holdAll(rules, now, "advised");
            JournalEntry entry = act(now, Outcome.ADVISED, "advise mode: nothing applied; " + held, rules, reason, changes,
                    plan, expected, s);
            return result(StepResult.Kind.ADVISED, entry.id(), env.settings().interval(), reason);
        }
        JournalEntry entry = act(now, Outcome.PENDING, null, rules, reason, changes, plan, expected, s);
        Applied applied;
        try {
            applied = env.substrate().apply(plan);
        } catch (SubstrateException e) {
            // an apply is all or nothing: the substrate put the host back, so the persona in force is unchanged
            String held = holdAll(rules, now(), "the apply failed");
            env.journal().finish(entry.id(), Outcome.FAILED, e.getMessage() + "; " + held, null, now());
            return result(StepResult.Kind.FAILED, entry.id(), env.settings().interval(), e.getMessage());
        }
        changedAt = now();
        env.journal().applied(entry.id(), changedAt);
        long window = window(a).toMillis();
        verifying = new Verifying(entry.id(), applied, current, rules, s, now(), window, new ArrayList<>());
        current = desired;
        return result(StepResult.Kind.APPLIED, entry.id(), Duration.ofMillis(window / env.settings().verifySamples()), reason);
    }

    private StepResult verify(long now) {
        Verifying v = verifying;
        int n = env.settings().verifySamples();
        if (now < v.nextSampleAt(n)) {
            return result(StepResult.Kind.VERIFYING, null, Duration.ofMillis(v.nextSampleAt(n) - now),
                    "verifying " + String.join(",", v.rules()) + ": next sample not due yet");
        }
        try {
            v.samples().add(sample(env.substrate().observe(current).metrics(), now));
        } catch (SubstrateException e) {
            v.samples().add(sample(Metrics.none(now), now)); // a sample with nothing in it: the judge skips it
        }
        if (v.samples().size() < n) {
            return result(StepResult.Kind.VERIFYING, null, Duration.ofMillis(Math.max(0, v.nextSampleAt(n) - now)),
                    "verifying " + String.join(",", v.rules()) + ": sample " + v.samples().size() + " of " + n);
        }
        verifying = null;
        Judge.Verdict verdict = Judge.judge(current.spec().trafficClass(), v.signalsBefore(), v.samples(), env.settings());
        String after = JournalJson.signals(v.samples().getLast());
        if (!verdict.worse()) {
            env.journal().finish(v.entryId(), Outcome.KEPT, verdict.reason(), after, now);
            return result(StepResult.Kind.KEPT, v.entryId(), env.settings().interval(), verdict.reason());
        }
        Duration cooldown = cooldown(current.spec().adaptation());
        current = v.before();
        try {
            env.substrate().revert(v.applied());
            changedAt = now();
        } catch (SubstrateException e) {
            String held = holdAll(v.rules(), now, "its revert failed");
            String why = verdict.reason() + "; the revert failed: " + e.getMessage() + "; " + held;
            env.journal().finish(v.entryId(), Outcome.FAILED, why, after, now());
            return result(StepResult.Kind.FAILED, v.entryId(), env.settings().interval(), why);
        }
        String held = v.rules().stream().map(r -> holdOffs.reverted(r, now, cooldown)).collect(Collectors.joining("; "));
        String why = verdict.reason() + "; reverted; " + held;
        env.journal().finish(v.entryId(), Outcome.REVERTED, why, after, now());
        return result(StepResult.Kind.REVERTED, v.entryId(), env.settings().interval(), why);
    }

    /** Records that the step failed in a way nobody planned for, so that the journal shows it and the loop goes on. */
    StepResult failed(RuntimeException e) {
        return noAction(now(), "error", "the step failed: " + e, null);
    }

    private Signals sample(Metrics metrics, long now) {
        Signals s = Signals.of(previous, metrics, measured(), now);
        if (lastSample != null && previous != null && ownDropsAt != Long.MIN_VALUE
                && now - ownDropsAt <= window(current.spec().adaptation()).toMillis()) {
            // own drops not yet resent are carried for a verify window after the last of them: a segment dropped again
            // on its resend waits for a timeout that doubles each time, so a class that dropped heavily (a harmful
            // ceiling, then its revert) repairs its drops for seconds after its queue went quiet, and those resends are
            // the engine's own doing, not the path's. The verify window is how long the engine itself gives a change to
            // show its effect; an estimate of drops never resent (a packet's segments are counted up) is dropped with it
            s = s.withDropSegmentsBefore(lastSample.unexplainedDropSegments());
        }
        if (s.ownDropSegments() > 0) {
            ownDropsAt = now;
        }
        lastSample = s;
        if (previous != null && metrics.sampledAtMillis() - previous.sampledAtMillis() >= halfInterval()) {
            lastFull = s;
            lastFullFrom = previous.sampledAtMillis();
        }
        previous = metrics;
        return s;
    }

    /** What the application says of itself; null when it cannot say (it is then judged by the substrate alone). */
    private AppMeasure measured() {
        try {
            return env.source().measure(app).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private long halfInterval() {
        return env.settings().interval().toMillis() / 2;
    }

    private String holdAll(List<String> rules, long now, String why) {
        Duration cooldown = cooldown(current.spec().adaptation());
        return rules.stream().map(r -> holdOffs.hold(r, now, cooldown, why)).collect(Collectors.joining("; "));
    }

    /** A decision to act; a pending one is finished later, any other is complete as written. */
    private JournalEntry act(long now, Outcome outcome, String outcomeReason, List<String> rules, String reason,
            List<Change> changes, ChangeSet plan, String expected, Signals before) {
        return env.journal().record(new JournalEntry(Ids.next(now), app, current.metadata().version(), now, "act",
                outcome, rules, reason, JournalJson.changes(changes), plan == null ? null : plan.toString(), expected,
                JournalJson.signals(before), null, outcomeReason, outcome == Outcome.PENDING ? null : now, 1, now));
    }

    private StepResult noAction(long now, String code, String reason, Signals s) {
        JournalEntry e = env.journal().record(JournalEntry.noAction(Ids.next(now), app, current.metadata().version(), now,
                code, reason, JournalJson.signals(s)));
        return result(StepResult.Kind.NO_ACTION, e.id(), env.settings().interval(), code + ": " + reason);
    }

    private StepResult result(StepResult.Kind kind, String id, Duration next, String summary) {
        return new StepResult(app, kind, id, next, summary);
    }

    private Duration window(Adaptation a) {
        return a != null && a.verifyWindow() != null ? a.verifyWindow() : env.settings().verifyWindow();
    }

    private Duration cooldown(Adaptation a) {
        return a != null && a.cooldown() != null ? a.cooldown() : env.settings().cooldown();
    }

    private long now() {
        return env.clock().millis();
    }
}
