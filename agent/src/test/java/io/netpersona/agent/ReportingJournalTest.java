package io.netpersona.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.engine.JournalEntry;
import io.netpersona.engine.Outcome;
import io.netpersona.engine.SqliteJournal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What of the engine's journal goes to the control plane, and when. */
class ReportingJournalTest {
    @TempDir
    Path dir;

    static JournalEntry entry(String id, Outcome outcome, String code, String before) {
        return new JournalEntry(id, "web", 3, 1000, code, outcome, List.of(), "why " + id, null, null, null, before, null,
                null, outcome == Outcome.PENDING ? null : 1000L, 1, 1000);
    }

    @Test
    void aDecisionGoesOutOnceWhenItsOutcomeIsKnown() {
        try (ReportingJournal j = new ReportingJournal(SqliteJournal.open(dir.resolve("journal.db")))) {
            j.record(entry("e1", Outcome.PENDING, "act", "{\"at\": 1}"));
            assertThat(j.take(10)).as("pending: its outcome is not known yet").isEmpty();
            j.finish("e1", Outcome.REVERTED, "latency worse", "{\"at\": 2}", 2000);
            j.record(entry("e2", Outcome.NO_ACTION, "quiet", null));
            j.record(entry("e3", Outcome.NO_ACTION, "quiet", null)); // coalesced into e2 by the local journal
            List<io.netpersona.proto.agent.v1.JournalEntry> out = j.take(10);
            assertThat(out).extracting(e -> e.getId() + " " + e.getOutcome()).containsExactly("e1 reverted", "e2 no_action");
            assertThat(out.get(0).getReason()).isEqualTo("why e1 => latency worse");
            assertThat(out.get(0).getDetailsJson()).contains("\"before\":{\"at\":1}", "\"after\":{\"at\":2}");
            j.requeue(out);
            assertThat(j.take(1)).extracting(e -> e.getId()).containsExactly("e1");
        }
    }

    @Test
    void detailsAboveTheControlPlanesLimitAreCutAndSaySo() {
        try (ReportingJournal j = new ReportingJournal(SqliteJournal.open(dir.resolve("journal.db")))) {
            j.record(entry("big", Outcome.NO_ACTION, "quiet", "{\"s\": \"" + "x".repeat(70_000) + "\"}"));
            String details = j.take(1).getFirst().getDetailsJson();
            assertThat(details.length()).isLessThan(ReportingJournal.MAX_DETAILS);
            assertThat(details).contains("\"truncated\":\"signals and steps left out");
        }
    }
}
