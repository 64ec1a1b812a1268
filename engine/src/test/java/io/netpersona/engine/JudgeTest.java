package io.netpersona.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.TrafficClass;
import java.util.List;
import org.junit.jupiter.api.Test;

/** "Worse" on the application's own measure, with the margin against noise. */
class JudgeTest {
    final EngineSettings s = EngineSettings.defaults();

    static Signals latency(double p99) {
        return new Signals(0, AppMeasure.latency(p99 / 2, p99), null, null, null, 50.0, 50.0, List.of(), List.of(), List.of());
    }

    static Signals throughput(double mbps) {
        return new Signals(0, AppMeasure.throughput(mbps), 30.0, 300.0, null, null, null, List.of(), List.of(), List.of());
    }

    @Test
    void latencyClassesAreJudgedOnTheirP99WithAMargin() {
        // 100 ms before: up to 100 * 1.1 + 2 = 112 ms is noise
        assertThat(Judge.judge(TrafficClass.REALTIME, latency(100), List.of(latency(111)), s).worse()).isFalse();
        Judge.Verdict v = Judge.judge(TrafficClass.TRANSACTIONAL, latency(100), List.of(latency(113)), s);
        assertThat(v.worse()).isTrue();
        assertThat(v.reason()).contains("100 -> 113 ms", "worse: above 112 ms");
        // on a fast path the absolute floor keeps sub-millisecond jitter from counting
        assertThat(Judge.judge(TrafficClass.REALTIME, latency(0.4), List.of(latency(1.9)), s).worse()).isFalse();
    }

    @Test
    void oneNoisySampleNeitherKeepsNorReverts() {
        List<Signals> mostlyBad = List.of(latency(300), latency(20), latency(290));
        assertThat(Judge.judge(TrafficClass.REALTIME, latency(100), mostlyBad, s).worse()).isTrue();
        List<Signals> mostlyGood = List.of(latency(30), latency(500), latency(40));
        assertThat(Judge.judge(TrafficClass.REALTIME, latency(100), mostlyGood, s).worse()).isFalse();
    }

    @Test
    void bulkAndStreamingAreJudgedOnThroughputNotLatency() {
        // latency through the roof, throughput as before: a bulk flow's users do not mind
        Signals after = new Signals(0, AppMeasure.throughput(19), 300.0, 900.0, null, null, null, List.of(), List.of(), List.of());
        assertThat(Judge.judge(TrafficClass.BULK, throughput(20), List.of(after), s).worse()).isFalse();
        Judge.Verdict v = Judge.judge(TrafficClass.STREAMING, throughput(20), List.of(throughput(17)), s);
        assertThat(v.worse()).isTrue();
        assertThat(v.reason()).contains("20 -> 17 Mbit/s", "below 17.5 Mbit/s");
    }

    @Test
    void withoutTheClassMeasureTheOtherOneDecides() {
        Signals before = new Signals(0, null, 10.0, 40.0, null, 8.0, 1.0, List.of(), List.of(), List.of());
        Signals after = new Signals(0, null, 10.0, 40.0, null, 4.0, 1.0, List.of(), List.of(), List.of());
        // realtime without a reported latency: the sockets' RTT is the latency, and it did not move
        assertThat(Judge.judge(TrafficClass.REALTIME, before, List.of(after), s).worse()).isFalse();
        Signals empty = new Signals(0, null, null, null, null, null, null, List.of(), List.of(), List.of());
        Judge.Verdict v = Judge.judge(TrafficClass.BULK, empty, List.of(empty), s);
        assertThat(v.worse()).isFalse();
        assertThat(v.reason()).startsWith("no measure to judge by");
    }
}
