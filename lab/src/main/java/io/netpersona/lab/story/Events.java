package io.netpersona.lab.story;

import io.netpersona.engine.JournalEntry;
import io.netpersona.engine.Outcome;
import io.netpersona.lab.report.LabReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The adaptation timeline from the engine's journal: each change the engine made while a fault was on (from
 * its onset to the end of its phase) becomes an event of that fault, timed from the onset to the moment the
 * change was in the kernel ({@code applied_at}, not the decision, which is written before the apply). A forced
 * change's answer is its revert, so its event is timed to the verdict. A fault nothing answered is an event
 * with outcome {@code none}, so the report shows it rather than leaving it out.
 */
final class Events {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LabStory story;
    private final List<JournalEntry> journal;

    Events(LabStory story, List<JournalEntry> journal) {
        this.story = story;
        this.journal = List.copyOf(journal);
    }

    List<LabReport.Event> of(List<Faults.Window> windows) {
        List<LabReport.Event> out = new ArrayList<>();
        for (Faults.Window w : windows) {
            List<LabReport.Event> found = new ArrayList<>();
            for (JournalEntry e : journal) {
                boolean forced = e.rules().contains("forced");
                // a forced change is its own fault: its onset is its apply, after its decision
                boolean belongs = w.entry() != null ? e.id().equals(w.entry())
                        : e.code().equals("act") && !forced && e.decidedAt() >= w.onsetMillis() && e.decidedAt() <= w.endMillis();
                if (!belongs) {
                    continue;
                }
                found.add(forced ? forcedEvent(w, e) : event(w, e));
            }
            if (found.isEmpty()) {
                found.add(new LabReport.Event(w.kind(), w.target(), story.sinceStart(w.onsetMillis()), null, null,
                        "no change: " + lastReason(w), "none"));
            }
            out.addAll(found);
        }
        out.sort(Comparator.comparingLong(LabReport.Event::onsetMs));
        return out;
    }

    private LabReport.Event event(Faults.Window w, JournalEntry e) {
        Long applied = e.appliedAt() == null ? null : story.sinceStart(e.appliedAt());
        String change = String.join("+", e.rules()) + ": " + changes(e.changes());
        return new LabReport.Event(w.kind(), e.app(), story.sinceStart(w.onsetMillis()), applied, null, change, outcome(e));
    }

    /** The answer to a forced change is its revert: timed to the verdict that put the host back. */
    private LabReport.Event forcedEvent(Faults.Window w, JournalEntry e) {
        boolean reverted = e.outcome() == Outcome.REVERTED && e.finishedAt() != null;
        Long at = reverted ? story.sinceStart(e.finishedAt()) : null;
        String change = "forced " + changes(e.changes()) + (reverted ? "; reverted: " + e.outcomeReason() : "");
        return new LabReport.Event(w.kind(), e.app(), story.sinceStart(w.onsetMillis()), at, null, change, outcome(e));
    }

    private static String outcome(JournalEntry e) {
        return e.outcome() == Outcome.PENDING ? "verifying" : e.outcome().text();
    }

    /** What the engine said last about the fault's target while it was on. */
    private String lastReason(Faults.Window w) {
        return journal.stream().filter(e -> e.app().equals(w.target()) && e.lastAt() >= w.onsetMillis() && e.decidedAt() <= w.endMillis())
                .reduce((a, b) -> b).map(JournalEntry::reason).orElse("the engine recorded nothing for " + w.target());
    }

    /** {@code spec.tcp.congestionControl cubic -> bbr; ...} from the journal's persona changes. */
    static String changes(String json) {
        if (json == null) {
            return "(none)";
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode c : JSON.readTree(json)) {
            parts.add(c.path("path").asString("?") + " " + value(c.get("old")) + " -> " + value(c.get("new")));
        }
        return String.join("; ", parts);
    }

    private static String value(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "none";
        }
        return (v.isValueNode() ? v.asString() : v.toString()).toLowerCase(Locale.ROOT);
    }
}
