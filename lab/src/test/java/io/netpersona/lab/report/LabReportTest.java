package io.netpersona.lab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LabReportTest {
    @Test
    void percentilesAreNearestRank() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[99 - i] = i + 1; // unsorted on purpose
        }
        LabReport.Phase p = LabReport.Phase.of(v, null, null);
        assertThat(p.latencyP50Ms()).isEqualTo(50.0);
        assertThat(p.latencyP99Ms()).isEqualTo(99.0);
        assertThat(p.latencyQuantilesMs()).hasSize(101).startsWith(1.0).endsWith(100.0);
        assertThat(p.samples()).isEqualTo(100);
        assertThat(LabReport.Phase.of(new double[] {7}, null, null).latencyP99Ms()).isEqualTo(7.0);
    }

    @Test
    void aPhaseWithoutLatencySaysSo() {
        LabReport.Phase p = LabReport.Phase.of(new double[0], 12.5, 0.0);
        assertThat(p.latencyP50Ms()).isNull();
        assertThat(p.latencyQuantilesMs()).isEmpty();
        assertThatThrownBy(() -> new LabReport.Phase(1.0, 2.0, null, null, 3, List.of(1.0, 2.0)))
                .hasMessageContaining("latencyQuantilesMs: 2 values (expected: 101");
    }

    @Test
    void reactionFollowsFromOnsetAndApplied() {
        LabReport.Event e = new LabReport.Event("loss", "backup", 1000, 2800L, null, null, "kept");
        assertThat(e.reactionMs()).isEqualTo(1800L);
        assertThat(e.change()).isEmpty();
        assertThat(new LabReport.Event("loss", "backup", 1000, null, null, "", "none").reactionMs()).isNull();
    }

    @Test
    void theJsonHasTheFieldsScriptsRelyOn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lab-report.json");
        ReportJson.write(Reports.sample("game"), file);
        JsonNode root = JsonMapper.builder().build().readTree(Files.readString(file));
        JsonNode game = root.path("apps").get(0);
        assertThat(game.path("name").asString()).isEqualTo("game");
        assertThat(game.path("trafficClass").asString()).isEqualTo("realtime");
        assertThat(game.path("measure").asString()).isEqualTo("latency");
        for (String phase : List.of("unloaded", "baseline", "persona")) {
            JsonNode p = game.path("phases").path(phase);
            assertThat(p.has("latencyP50Ms") && p.has("latencyP99Ms") && p.has("throughputMbps") && p.has("lossPct"))
                    .as("phase %s: %s", phase, p).isTrue();
        }
        // nearest rank: the 198th of 200 samples
        assertThat(game.path("phases").path("baseline").path("latencyP99Ms").asDouble()).isEqualTo(200 + 700.0 * 197 / 199);
        JsonNode ev = root.path("events").get(0);
        assertThat(ev.path("kind").asString()).isEqualTo("loss");
        assertThat(ev.path("app").asString()).isEqualTo("backup");
        assertThat(ev.path("onsetMs").asLong()).isEqualTo(1000);
        assertThat(ev.path("appliedMs").asLong()).isEqualTo(2800);
        assertThat(ev.path("reactionMs").asLong()).isEqualTo(1800);
        assertThat(ev.path("change").asString()).contains("bbr");
        assertThat(ev.path("outcome").asString()).isEqualTo("kept");
        assertThat(ReportJson.read(file)).isEqualTo(Reports.sample("game"));
        assertThat(dir.resolve("lab-report.json.tmp")).doesNotExist();
    }

    @Test
    void aFileThatIsNotAReportIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("x.json"), "{\"apps\": 3}");
        assertThatThrownBy(() -> ReportJson.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not a lab report");
    }

    @Test
    void theTableGivesEveryPhaseAndTheRatios() {
        String t = ReportTable.text(Reports.sample("game"));
        List<String> lines = t.lines().toList();
        assertThat(lines.getFirst()).startsWith("application").contains("p99 ms", "Mbit/s", "vs unloaded", "vs baseline");
        // the game's p99 with personas (24) against the baseline's (893) and the unloaded one (22)
        assertThat(lines.get(3)).contains("persona", "24.0", "p99 x0.03", "p99 x1.09");
        assertThat(lines.get(6)).contains("persona", "17.1", "Mbit/s x0.95");
        assertThat(t).contains("+1.0 s", "loss", "backup", "applied at +2.8 s, +1.8 s after onset", "cubic -> bbr", "[kept]",
                "note: quick mode");
    }

    @Test
    void reactionsAreSummedUpAsTheirNinetyFifthPercentile() {
        List<LabReport.Event> events = new java.util.ArrayList<>();
        for (int i = 1; i <= 20; i++) { // reactions 0.5, 1.0, ... 10.0 s: the 19th of 20 is the 95th percentile
            events.add(new LabReport.Event("loss", "load", 0, i * 500L, null, "x", "kept"));
        }
        events.add(new LabReport.Event("congestion", "arena", 0, null, null, "no change", "none"));
        assertThat(ReportTable.reactions(events)).isEqualTo(
                "reaction (onset to the change in the kernel): p95 9.5 s, slowest 10.0 s, over 20 changes; 1 with no change\n");
        assertThat(ReportTable.reactions(events.subList(20, 21))).isEqualTo(
                "reaction (onset to the change in the kernel): no change made; 1 with no change\n");
    }

    @Test
    void chartTicksAreRound() {
        assertThat(Chart.Scale.linear(0, 893, 0, 1).ticks()).containsExactly(0.0, 200.0, 400.0, 600.0, 800.0, 1000.0);
        assertThat(Chart.Scale.log(3, 900, 0, 1).ticks()).containsExactly(1.0, 10.0, 100.0, 1000.0);
        assertThat(Chart.Scale.label(0.5)).isEqualTo("0.5");
        assertThat(Chart.Scale.label(200)).isEqualTo("200");
    }
}
