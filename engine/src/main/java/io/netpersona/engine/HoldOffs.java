package io.netpersona.engine;

import io.netpersona.model.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Which of an application's rules may not act yet, and why: one cooldown after advice, a failed apply or
 * a revert, and a longer one for a rule that flaps (see {@link EngineSettings.FlapDamping}). Confined to
 * the application's lane.
 */
final class HoldOffs {
    private record Hold(long until, String why) {}

    private final EngineSettings.FlapDamping damping;
    private final Map<String, Hold> holds = new HashMap<>();
    private final Map<String, Deque<Long>> reverts = new HashMap<>();

    HoldOffs(EngineSettings.FlapDamping damping) {
        this.damping = damping;
    }

    /** Why {@code rule} is held off at {@code now}, or null when it may act. */
    String holding(String rule, long now) {
        Hold h = holds.get(rule);
        return h == null || h.until() <= now ? null : "held off until " + Instant.ofEpochMilli(h.until()) + " (" + h.why() + ")";
    }

    /** Holds {@code rule} off for one cooldown; returns the words for the journal. */
    String hold(String rule, long now, Duration cooldown, String why) {
        holds.put(rule, new Hold(now + cooldown.toMillis(), why));
        return rule + " held off for " + Durations.format(cooldown);
    }

    /** Counts a revert of {@code rule} and holds it off, longer when it flaps. */
    String reverted(String rule, long now, Duration cooldown) {
        Deque<Long> times = reverts.computeIfAbsent(rule, k -> new ArrayDeque<>());
        times.addLast(now);
        while (!times.isEmpty() && times.peekFirst() <= now - damping.window().toMillis()) {
            times.removeFirst();
        }
        if (times.size() >= damping.reverts()) {
            Duration longer = cooldown.multipliedBy(damping.factor());
            longer = longer.compareTo(damping.max()) > 0 ? damping.max() : longer;
            String why = "flapping: reverted " + times.size() + " times within " + Durations.format(damping.window());
            holds.put(rule, new Hold(now + longer.toMillis(), why));
            return rule + " held off for " + Durations.format(longer) + " (" + why + ")";
        }
        return hold(rule, now, cooldown, "reverted");
    }
}
