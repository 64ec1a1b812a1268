package io.netpersona.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal in its file: what is stored, coalesced, finished and listed, and what is refused as no journal. */
class SqliteJournalTest {
    @TempDir
    Path dir;

    static JournalEntry quiet(String app, long at, String reason) {
        return JournalEntry.noAction(Ids.next(at), app, 1, at, "quiet", reason, "{\"at\":" + at + "}");
    }

    static JournalEntry pending(String app, long at) {
        return new JournalEntry(Ids.next(at), app, 2, at, "act", Outcome.PENDING, List.of("latency-high", "loss-medium"),
                "latency p99 160 ms > 80 ms", "[{\"path\":\"spec.mtu\"}]", "modify mtu", "mtu at most 1400", "{}", null, null,
                null, 1, at);
    }

    @Test
    void decisionsSurviveTheProcessAndARunOfQuietOnesIsOneRow() {
        Path file = dir.resolve("sub/journal.db");
        String actId;
        try (SqliteJournal j = SqliteJournal.open(file)) {
            j.record(quiet("arena", 1_000, "first"));
            j.record(quiet("arena", 3_000, "second"));
            j.record(quiet("video", 4_000, "video is fine"));
            JournalEntry coalesced = j.record(quiet("arena", 5_000, "third"));
            assertThat(coalesced.repeats()).isEqualTo(3);
            actId = j.record(pending("arena", 6_000)).id();
            j.record(quiet("arena", 8_000, "after the act: a new row"));
        }
        try (SqliteJournal j = SqliteJournal.openExisting(file)) {
            List<JournalEntry> arena = j.list(new Journal.Query("arena", null, 100));
            assertThat(arena).extracting(JournalEntry::code).containsExactly("quiet", "act", "quiet");
            assertThat(arena.getFirst().repeats()).isEqualTo(3);
            assertThat(arena.getFirst().reason()).isEqualTo("third");
            assertThat(arena.getFirst().lastAt()).isEqualTo(5_000);
            assertThat(arena.get(1).rules()).containsExactly("latency-high", "loss-medium");
            assertThat(j.pending("arena")).extracting(JournalEntry::id).containsExactly(actId);
            assertThat(arena.get(1).appliedAt()).as("written before its apply").isNull();

            j.applied(actId, 6_400);
            j.applied(actId, 7_000); // the first apply is the one that counts
            j.finish(actId, Outcome.KEPT, "within the margin", "{\"after\":1}", 9_000);
            j.finish(actId, Outcome.REVERTED, "a second outcome is ignored", null, 9_500);
            JournalEntry done = j.list(new Journal.Query("arena", 6_000L, 100)).getFirst();
            assertThat(done.outcome()).isEqualTo(Outcome.KEPT);
            assertThat(done.outcomeReason()).isEqualTo("within the margin");
            assertThat(done.after()).isEqualTo("{\"after\":1}");
            assertThat(done.finishedAt()).isEqualTo(9_000);
            assertThat(done.appliedAt()).isEqualTo(6_400);
            assertThat(arena.getFirst().appliedAt()).as("a decision not to act").isNull();
            assertThat(j.pending("arena")).isEmpty();
            // --since counts a run of quiet decisions from its last one
            assertThat(j.list(new Journal.Query(null, 4_500L, 100))).extracting(JournalEntry::reason)
                    .containsExactly("third", "latency p99 160 ms > 80 ms", "after the act: a new row");
            assertThat(j.list(new Journal.Query(null, null, 2))).hasSize(2);
        }
    }

    @Test
    void openingToReadRefusesWhatIsNoJournalAndChangesNothing() throws Exception {
        Path missing = dir.resolve("missing.db");
        assertThatThrownBy(() -> SqliteJournal.openExisting(missing)).isInstanceOf(JournalException.class)
                .hasMessage(missing + ": no journal there (no such file)");
        assertThat(missing).doesNotExist();
        assertThatThrownBy(() -> SqliteJournal.openExisting(dir)).hasMessageContaining("no journal there (not a file)");

        Path text = Files.writeString(dir.resolve("notes.db"), "these are notes, not a database ".repeat(40));
        assertThatThrownBy(() -> SqliteJournal.openExisting(text)).isInstanceOf(JournalException.class)
                .hasMessageStartingWith(text + ": not a netpersona journal (").hasMessageContaining("not a database");

        Path other = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE things (id INTEGER)");
        }
        assertThatThrownBy(() -> SqliteJournal.openExisting(other)).hasMessage(other
                + ": not a netpersona journal (a SQLite database without the journal and schema_history tables)");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table'")) {
            assertThat(rs.getInt(1)).as("no table was added to someone else's database").isEqualTo(1);
        }
    }

    @Test
    void aJournalFromANewerProgramIsRefused() throws Exception {
        Path file = dir.resolve("journal.db");
        SqliteJournal.open(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("INSERT INTO schema_history VALUES (99, 'future', 'x', 0)");
        }
        assertThatThrownBy(() -> SqliteJournal.openExisting(file)).hasMessageContaining("schema version 99 is newer");
        assertThatThrownBy(() -> SqliteJournal.open(file)).hasMessageContaining("schema version 99 is newer");
    }
}
