package io.netpersona.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * How long each rule's trigger has held in consecutive samples, and how many such runs ended before a tentative trigger
 * acted on them. A tentative trigger acts after two samples in a row; each run that came and went unanswered since the
 * host last changed asks one sample more of the next, so an application whose normal noise now and then shows what a
 * fault would (a class near its ceiling, seen in the lab: held at it in 4 of 11 samples, two of them in a row at the
 * eleventh) is not taken for a new fault late in a steady state, while a class held from its start acts on its second
 * sample. Confined to the application's lane.
 */
final class Streaks {
    /** Samples in a row a tentative trigger needs when it has not come and gone before. */
    static final int NEEDED = 2;
    /** At most this many more, however often it came and went. */
    static final int MAX_EXTRA = 8;

    private final Map<String, Integer> runs = new HashMap<>();
    /** Whether the run of a rule's trigger is of tentative evidence (only such runs, ending unanswered, are noise). */
    private final Map<String, Boolean> tentativeRun = new HashMap<>();
    private final Map<String, Integer> broken = new HashMap<>();

    /** The samples in a row {@code rule}'s trigger held, this one included when {@code holdsNow}. */
    int run(String rule, boolean holdsNow) {
        return holdsNow ? runs.getOrDefault(rule, 0) + 1 : 0;
    }

    /** The samples in a row a tentative trigger of {@code rule} needs now. */
    int needed(String rule) {
        return NEEDED + Math.min(MAX_EXTRA, broken.getOrDefault(rule, 0));
    }

    /** How often {@code rule}'s trigger came and went unanswered since the host last changed. */
    int cameAndWent(String rule) {
        return broken.getOrDefault(rule, 0);
    }

    /**
     * Takes the rules whose trigger held in this sample ({@code tentative}: on tentative evidence); a tentative run that
     * ends without its rule acting (a change resets all) counts as noise.
     */
    void sample(Set<String> holding, Set<String> tentative) {
        for (String r : Set.copyOf(runs.keySet())) {
            if (!holding.contains(r)) {
                if (tentativeRun.getOrDefault(r, false)) {
                    broken.merge(r, 1, Integer::sum);
                }
                runs.remove(r);
                tentativeRun.remove(r);
            }
        }
        for (String r : holding) {
            runs.merge(r, 1, Integer::sum);
            tentativeRun.put(r, tentative.contains(r));
        }
    }

    /** The samples are no longer consecutive (an observation failed): runs start again, what came and went stays. */
    void gap() {
        runs.clear();
        tentativeRun.clear();
    }

    /** The host changed: what held before says nothing of it now. */
    void reset() {
        gap();
        broken.clear();
    }
}
