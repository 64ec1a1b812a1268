package io.netpersona.agent;

import io.netpersona.engine.Signals;
import io.netpersona.model.Persona;
import io.netpersona.proto.agent.v1.Observations;
import io.netpersona.proto.agent.v1.PersonaMetrics;
import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Substrate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns the substrate's metrics of the personas the agent runs into the contract's Observations. Rates
 * compare two samples, so a persona's first observation has none. Called from the observation thread only.
 */
final class Observer {
    private final Substrate substrate;
    private final Consumer<String> log;
    private final Map<String, Metrics> previous = new HashMap<>();
    private String lastFailure;

    Observer(Substrate substrate, Consumer<String> log) {
        this.substrate = substrate;
        this.log = log;
    }

    Observations observe(List<Persona> running, Map<String, Long> versions, long now) {
        Map<String, Metrics> sampled = new HashMap<>();
        try {
            sampled.putAll(substrate.sample(running)); // one reading of the host for all, where the substrate can
            lastFailure = null;
        } catch (RuntimeException e) {
            // said once, not every second; the observations go on empty meanwhile
            String why = String.valueOf(e.getMessage());
            if (!why.equals(lastFailure)) {
                log.accept("observations: cannot read the host's metrics: " + why);
                lastFailure = why;
            }
        }
        Observations.Builder out = Observations.newBuilder().setTimeMs(now);
        for (Persona p : running) {
            Metrics m = sampled.get(p.name());
            if (m == null) {
                continue;
            }
            out.addMetrics(metrics(p.name(), versions.getOrDefault(p.name(), 0L), previous.get(p.name()), m));
            previous.put(p.name(), m);
        }
        previous.keySet().retainAll(running.stream().map(Persona::name).toList());
        return out.build();
    }

    static PersonaMetrics metrics(String name, long version, Metrics before, Metrics now) {
        Signals s = Signals.of(before, now, null, now.sampledAtMillis());
        List<Double> rtts = now.sockets().stream().map(Metrics.TcpSocket::rttMs).filter(r -> r > 0).sorted().toList();
        PersonaMetrics.Builder b = PersonaMetrics.newBuilder().setPersona(name).setVersion(version);
        if (!rtts.isEmpty()) {
            b.setRttP50Ms(rtts.get(rtts.size() / 2)).setRttP99Ms(rtts.get(Math.min(rtts.size() - 1, (int) Math.ceil(rtts.size() * 0.99) - 1)));
        }
        double mbps = (s.txMbps() == null ? 0 : s.txMbps()) + (s.rxMbps() == null ? 0 : s.rxMbps());
        b.setThroughputBps(Math.round(mbps * 1e6));
        b.setLossPct(s.retransmitPct() == null ? 0 : s.retransmitPct());
        b.setQueueDrops(now.queues().stream().mapToLong(Metrics.Queue::drops).sum());
        b.setBacklogBytes(now.queues().stream().mapToLong(Metrics.Queue::backlogBytes).sum());
        return b.build();
    }
}
