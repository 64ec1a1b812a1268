package io.netpersona.lab.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic behind what the lab applications report, on hand-made times. */
class MeasurementTest {
    static final long MS = 1_000_000, S = 1_000_000_000;

    @Test
    void percentilesAreNearestRank() {
        Samples s = new Samples();
        for (long v = 100; v >= 1; v--) {
            s.add(v);
        }
        assertThat(s.percentile(50)).isEqualTo(50);
        assertThat(s.percentile(99)).isEqualTo(99);
        assertThat(s.percentile(99.5)).isEqualTo(100);
        assertThat(s.percentile(0)).isEqualTo(1);
        assertThat(s.percentile(100)).isEqualTo(100);
        assertThat(s.mean()).isEqualTo(50.5);
        Samples few = new Samples();
        few.add(7);
        few.add(3);
        assertThat(few.percentile(50)).isEqualTo(3);
        assertThat(few.percentile(51)).isEqualTo(7);
        assertThat(new Samples().percentile(50)).isNaN();
        assertThatThrownBy(() -> s.percentile(101)).hasMessageContaining("percentile 101.0 (expected: 0..100)");
    }

    @Test
    void mergedSamplesKeepTheirCountsAndStopGrowingAtTheLimit() {
        Samples a = new Samples(), b = new Samples();
        a.add(1);
        b.add(2);
        b.add(3);
        a.addAll(b);
        assertThat(a.size()).isEqualTo(3);
        assertThat(a.percentile(100)).isEqualTo(3);
        Samples big = new Samples();
        for (int i = 0; i < Samples.MAX + 10; i++) {
            big.add(i);
        }
        assertThat(big.size()).isEqualTo(Samples.MAX);
        assertThat(big.offered()).isEqualTo(Samples.MAX + 10L);
    }

    @Test
    void gameRttJitterAndLossFromSequenceNumbers() {
        GameMeter m = new GameMeter();
        // 10 inputs 100 ms apart; RTTs 20, 30, 20, 30 ... ms; input 3 and 7 never answered
        for (int i = 0; i < 10; i++) {
            int seq = m.send(i * 100 * MS);
            assertThat(seq).isEqualTo(i);
        }
        for (int i = 0; i < 10; i++) {
            if (i != 3 && i != 7) {
                m.answer(i, i * 100 * MS + (i % 2 == 0 ? 20 : 30) * MS);
            }
        }
        m.answer(0, 5 * S);
        m.answer(99, 5 * S);
        Map<String, Double> r = GameMeter.merge(List.of(m), 2 * S, 500 * MS);
        assertThat(r.get("inputs")).isEqualTo(10);
        assertThat(r.get("updates")).isEqualTo(8);
        assertThat(r.get("rttP50Ms")).isEqualTo(20);
        assertThat(r.get("rttP99Ms")).isEqualTo(30);
        // arrival order 0,1,2,4,5,6,8,9: RTT 20,30,20,20,30,20,20,30: differences 10,10,0,10,10,0,10
        assertThat(r.get("jitterMeanMs")).isCloseTo(50.0 / 7, within(1e-9));
        assertThat(r.get("jitterP99Ms")).isEqualTo(10);
        assertThat(r.get("lossPct")).isEqualTo(20);
    }

    @Test
    void inputsSentJustBeforeTheEndAreNotJudgedAndABadSecondShowsInTheHighPercentile() {
        GameMeter m = new GameMeter();
        // 3 s at 10 inputs a second; the second second loses half; the last 5 inputs are never answered
        for (int i = 0; i < 30; i++) {
            m.send(i * 100 * MS);
        }
        for (int i = 0; i < 25; i++) {
            if (!(i >= 10 && i < 20 && i % 2 == 0)) {
                m.answer(i, i * 100 * MS + 10 * MS);
            }
        }
        Map<String, Double> r = GameMeter.merge(List.of(m), 3 * S, 500 * MS);
        // judged: inputs sent up to 2.5 s, 26 of them; lost 5 in the second second and input 25 (1 of 6 in the third)
        assertThat(r.get("lossPct")).isCloseTo(6 * 100.0 / 26, within(1e-9));
        assertThat(r.get("lossP50Pct")).isCloseTo(100.0 / 6, within(0.01));
        assertThat(r.get("lossP99Pct")).isEqualTo(50);
    }

    @Test
    void theRttSecondBySecondFollowsWhenEachInputWasSent() {
        GameMeter a = new GameMeter(), b = new GameMeter();
        // from an origin at 1 s: 3 s of inputs 100 ms apart from each player; the second second's RTTs are 200 ms
        long origin = S;
        for (int i = 0; i < 30; i++) {
            long sent = origin + i * 100 * MS;
            long rtt = (i >= 10 && i < 20 ? 200 : 20 + i % 2) * MS;
            a.answer(a.send(sent), sent + rtt);
            if (i != 25) { // one input of the third second is lost: it has no RTT
                b.answer(b.send(sent), sent + rtt);
            }
        }
        Map<String, Double> r = GameMeter.perSecond(List.of(a, b), origin, origin + 3 * S + 50 * MS);
        assertThat(r).containsOnlyKeys("rttS0P99Ms", "rttS1P99Ms", "rttS2P99Ms");
        assertThat(r.get("rttS0P99Ms")).isEqualTo(21);
        assertThat(r.get("rttS1P99Ms")).isEqualTo(200);
        assertThat(r.get("rttS2P99Ms")).isEqualTo(21);
        // an input sent before the origin, and a second not whole by the end, are left out
        GameMeter early = new GameMeter();
        early.answer(early.send(origin - 10 * MS), origin + 10 * MS);
        assertThat(GameMeter.perSecond(List.of(early), origin, origin + 500 * MS)).isEmpty();
    }

    @Test
    void playersAreMergedAndNoInputsMeanNoNumbers() {
        GameMeter a = new GameMeter(), b = new GameMeter();
        a.send(0);
        a.answer(0, 10 * MS);
        b.send(0);
        b.answer(0, 40 * MS);
        Map<String, Double> r = GameMeter.merge(List.of(a, b), 10 * S, 500 * MS);
        assertThat(r.get("rttP50Ms")).isEqualTo(10);
        assertThat(r.get("rttP99Ms")).isEqualTo(40);
        assertThat(r.get("lossPct")).isZero();
        Map<String, Double> none = GameMeter.merge(List.of(new GameMeter()), 10 * S, 500 * MS);
        assertThat(none.get("lossPct")).isNaN();
        assertThat(none.get("rttP99Ms")).isNaN();
    }

    @Test
    void playbackStallsWhenTheBufferRunsDry() {
        Playback p = new Playback(0, S);
        assertThat(p.startupNanos()).isEqualTo(-1);
        assertThat(p.stalls(10 * S)).isZero();
        p.segmentArrived(300 * MS);
        p.segmentArrived(800 * MS);
        p.segmentArrived(1300 * MS);
        // 3 s of media from 0.3 s: plays until 3.3 s; the next segment comes at 4.0 s
        assertThat(p.startupNanos()).isEqualTo(300 * MS);
        assertThat(p.bufferedNanos(1300 * MS)).isEqualTo(2 * S);
        p.segmentArrived(4 * S);
        assertThat(p.stalls()).isEqualTo(1);
        assertThat(p.stalledNanos(4 * S)).isEqualTo(700 * MS);
        // plays until 5 s, and at 6 s the viewer is still waiting
        assertThat(p.stalls(6 * S)).isEqualTo(2);
        assertThat(p.stalledNanos(6 * S)).isEqualTo(1700 * MS);
        assertThatThrownBy(() -> new Playback(0, 0)).hasMessageContaining("segment duration 0 ns (expected: > 0)");
    }

    @Test
    void throughputIsTheMeanOverTheRunAndPerWholeSecond() {
        Throughput t = new Throughput(10 * S);
        t.add(1_000_000, 10 * S + 100 * MS);
        t.add(1_000_000, 10 * S + 900 * MS);
        t.add(500_000, 11 * S + 500 * MS);
        t.add(4_000_000, 12 * S + 200 * MS);
        Map<String, Double> r = t.result(12 * S + 500 * MS);
        assertThat(r.get("bytes")).isEqualTo(6_500_000);
        assertThat(r.get("throughputMbps")).isCloseTo(6_500_000 * 8 / 2.5 / 1e6, within(1e-9));
        // whole seconds only: 2 MB and 0.5 MB (the third second is not over)
        assertThat(r.get("secondP10Mbps")).isEqualTo(4);
        assertThat(r.get("secondP50Mbps")).isEqualTo(4);
        assertThat(t.total()).isEqualTo(6_500_000);
    }

    @Test
    void resultLinesGoThereAndBack() {
        AppResult r = new AppResult("game-clients", Map.of("rttP99Ms", 12.5, "inputs", 600.0, "lossPct", Double.NaN));
        AppResult back = AppResult.parse(r.line());
        assertThat(back.role()).isEqualTo("game-clients");
        assertThat(back.metrics()).containsEntry("rttP99Ms", 12.5).containsEntry("inputs", 600.0);
        assertThat(back.get("lossPct")).isNaN();
        assertThat(r.line()).contains("inputs=600").doesNotContain("600.0");
        assertThatThrownBy(() -> back.get("throughputMbps")).hasMessageContaining("game-clients measured no throughputMbps");
        assertThatThrownBy(() -> AppResult.parse("result role=x rtt=fast")).hasMessageContaining("rtt=fast (expected: a number)");
        assertThatThrownBy(() -> AppResult.parse("result rtt=1")).hasMessageContaining("without role=");
        assertThatThrownBy(() -> AppResult.parse("hello")).hasMessageContaining("not a result line");
    }

    @Test
    void everyWholePercentileForTheDistributionChartAgreesWithThePercentiles() {
        Samples s = new Samples();
        for (int i = 200; i >= 1; i--) {
            s.add(i * 1_000_000L); // 1..200 ms, added out of order
        }
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        s.quantilesMs("rttQ", out);
        assertThat(out).hasSize(101).containsEntry("rttQ0", 1.0).containsEntry("rttQ50", 100.0).containsEntry("rttQ100", 200.0);
        for (int p = 0; p <= 100; p++) {
            assertThat(out.get("rttQ" + p)).as("p" + p).isEqualTo(s.percentile(p) / 1e6);
        }
        java.util.Map<String, Double> none = new java.util.LinkedHashMap<>();
        new Samples().quantilesMs("rttQ", none);
        assertThat(none).isEmpty();
    }
}
