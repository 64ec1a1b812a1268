package io.netpersona.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The control plane's meters, scraped at /metrics. */
final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger connected = registry.gauge("netpersona_agents_connected", new AtomicInteger());
    private final Counter updates = Counter.builder("netpersona_assignment_updates_sent").register(registry);
    private final Counter acks = Counter.builder("netpersona_acks_received").register(registry);
    private final Counter nacks = Counter.builder("netpersona_nacks_received").register(registry);
    private final Counter journal = Counter.builder("netpersona_journal_entries_received").register(registry);
    private final Counter observations = Counter.builder("netpersona_observations_received").register(registry);
    private final Counter deferred = Counter.builder("netpersona_assignment_updates_deferred")
            .description("updates held back because the agent's stream was not ready; the newest is sent when it is").register(registry);
    private final Counter storeErrors = Counter.builder("netpersona_store_errors").register(registry);
    private final Counter refusedTokens = Counter.builder("netpersona_api_unauthorized").register(registry);

    void connected(int n) {
        connected.set(n);
    }

    void update() {
        updates.increment();
    }

    void ack() {
        acks.increment();
    }

    void nack() {
        nacks.increment();
    }

    void journal(int entries) {
        journal.increment(entries);
    }

    void observations() {
        observations.increment();
    }

    void deferred() {
        deferred.increment();
    }

    void storeError() {
        storeErrors.increment();
    }

    void unauthorized() {
        refusedTokens.increment();
    }

    String scrape() {
        return registry.scrape();
    }
}
