package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.engine.JournalEntry;
import io.netpersona.engine.Outcome;
import io.netpersona.engine.SqliteJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code persona journal} on a journal file written the way the engine writes it. */
class JournalCommandTest {
    static final long T0 = Instant.parse("2020-01-02T20:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    Path file;

    static String judged(double p99, double loss) {
        return "{\"at\":0,\"judged\":{\"latencyP99Ms\":" + p99 + ",\"latencySource\":\"app\",\"lossPct\":" + loss
                + ",\"throughputMbps\":null}}";
    }

    @BeforeEach
    void journal() {
        file = dir.resolve("journal.db");
        try (SqliteJournal j = SqliteJournal.open(file)) {
            j.record(new JournalEntry("01-quiet", "arena", 4, T0, "quiet", Outcome.NO_ACTION, List.of(),
                    "latency-high: latency p99 40 ms (app) <= 80 ms", null, null, null, judged(40, 0), null, null, T0, 1, T0));
            j.record(new JournalEntry("01-quiet-2", "arena", 4, T0 + 2_000, "quiet", Outcome.NO_ACTION, List.of(),
                    "latency-high: latency p99 41 ms (app) <= 80 ms", null, null, null, judged(41, 0), null, null, T0 + 2_000, 1,
                    T0 + 2_000));
            j.record(new JournalEntry("02-act", "arena", 4, T0 + 600_000, "act", Outcome.PENDING, List.of("latency-high"),
                    "latency-high: latency p99 160 ms (app) > 80 ms",
                    "[{\"path\":\"spec.tcp.congestionControl\",\"op\":\"modify\",\"old\":\"cubic\",\"new\":\"bbr\"},"
                            + "{\"path\":\"spec.mtu\",\"op\":\"modify\",\"old\":1500,\"new\":1400}]",
                    "modify route congctl=cubic -> bbr", "congestion control bbr: paced", judged(160, 3), null, null, null, 1,
                    T0 + 600_000));
            j.finish("02-act", Outcome.REVERTED, "latency p99 (app) 160 -> 300 ms (median of 3), worse: above 178 ms; reverted",
                    judged(300, 3), T0 + 609_000);
            j.record(new JournalEntry("03-video", "video", 1, T0 + 700_000, "act", Outcome.ADVISED, List.of("loss-medium"),
                    "loss-medium: loss 3% > 1%", "[{\"path\":\"spec.qos.priority\",\"op\":\"modify\",\"old\":3,\"new\":2}]",
                    "modify class prio 3 -> 2", "QoS priority up by 1", judged(50, 3), null, "advise mode: nothing applied",
                    T0 + 700_000, 1, T0 + 700_000));
        }
    }

    @Test
    void aTableWithTheChangeItsMetricsAndItsOutcome() {
        MainTest.Result r = MainTest.run("journal", "-f", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.getFirst()).matches("TIME +APP +OUTCOME +DECISION");
        assertThat(lines.get(1)).matches("2020-01-02T20:00:00Z +arena +no-action +quiet x2 until 2020-01-02T20:00:02Z: "
                + "latency-high: latency p99 41 ms \\(app\\) <= 80 ms");
        assertThat(r.out()).contains("2020-01-02T20:10:00Z  arena  reverted     latency-high: latency p99 160 ms (app) > 80 ms\n")
                .contains("change: spec.tcp.congestionControl cubic -> bbr; spec.mtu 1500 -> 1400\n")
                .contains("expected: congestion control bbr: paced\n")
                .contains("measured: latency p99 160 -> 300 ms, loss 3 -> 3%\n")
                .contains("outcome: latency p99 (app) 160 -> 300 ms (median of 3), worse: above 178 ms; reverted\n")
                .contains("video  advised      loss-medium: loss 3% > 1%\n")
                .contains("change: spec.qos.priority 3 -> 2\n")
                .contains("measured: latency p99 50 ms, loss 3%\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void jsonKeepsEveryFieldWithMetricsAsObjects() {
        MainTest.Result r = MainTest.run("journal", "-f", file.toString(), "--app", "arena", "-o", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = JsonMapper.builder().build().readTree(r.out());
        assertThat(root.get("journal").asString()).isEqualTo(file.toString());
        JsonNode entries = root.get("entries");
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).get("repeats").asInt()).isEqualTo(2);
        JsonNode act = entries.get(1);
        assertThat(act.get("app").asString()).isEqualTo("arena");
        assertThat(act.get("outcome").asString()).isEqualTo("reverted");
        assertThat(act.get("rules").get(0).asString()).isEqualTo("latency-high");
        assertThat(act.get("decidedAt").asString()).isEqualTo("2020-01-02T20:10:00Z");
        assertThat(act.get("finishedAt").asString()).isEqualTo("2020-01-02T20:10:09Z");
        assertThat(act.get("changes").get(0).get("new").asString()).isEqualTo("bbr");
        assertThat(act.get("changeSet").asString()).contains("congctl=cubic -> bbr");
        assertThat(act.get("before").get("judged").get("latencyP99Ms").asDouble()).isEqualTo(160.0);
        assertThat(act.get("after").get("judged").get("latencyP99Ms").asDouble()).isEqualTo(300.0);
        assertThat(act.get("outcomeReason").asString()).contains("worse");
    }

    @Test
    void sinceTakesATimeOrADurationAgo() {
        MainTest.Result r = MainTest.run("journal", "-f", file.toString(), "--since", "2020-01-02T20:05:00Z", "-o", "json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(JsonMapper.builder().build().readTree(r.out()).get("entries")).extracting(e -> e.get("id").asString())
                .containsExactly("02-act", "03-video");
        MainTest.Result local = MainTest.run("journal", "-f", file.toString(), "--since", "2020-01-02T20:11:00");
        assertThat(local.out()).contains("video").doesNotContain("arena");

        MainTest.Result none = MainTest.run("journal", "-f", file.toString(), "--since", "1h");
        assertThat(none.code()).isZero();
        assertThat(none.out()).isEqualTo("(no entries)\n");
        long now = System.currentTimeMillis();
        try (SqliteJournal j = SqliteJournal.open(file)) {
            j.record(new JournalEntry("04-now", "db", 1, now, "quiet", Outcome.NO_ACTION, List.of(), "fine", null, null, null,
                    null, null, null, now, 1, now));
        }
        MainTest.Result recent = MainTest.run("journal", "-f", file.toString(), "--since", "1h");
        assertThat(recent.out()).contains("  db  ").doesNotContain("arena", "video");

        MainTest.Result bad = MainTest.run("journal", "-f", file.toString(), "--since", "yesterday");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("persona: --since: yesterday (expected: a duration ago such as 30s, 10m or 2h,");
    }

    @Test
    void aMissingFileOrOneThatIsNoJournalIsNamed() throws Exception {
        Path missing = dir.resolve("nope.db");
        MainTest.Result r = MainTest.run("journal", "-f", missing.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("persona journal: " + missing + ": no journal there (no such file)\n");
        assertThat(missing).doesNotExist();

        Path text = Files.writeString(dir.resolve("notes.txt"), "not a database, just text ".repeat(50));
        MainTest.Result t = MainTest.run("journal", "-f", text.toString());
        assertThat(t.code()).isEqualTo(1);
        assertThat(t.err()).startsWith("persona journal: " + text + ": not a netpersona journal (");

        Path other = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (x INTEGER)");
        }
        MainTest.Result o = MainTest.run("journal", "-f", other.toString());
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err()).contains("not a netpersona journal (a SQLite database without the journal");
    }
}
