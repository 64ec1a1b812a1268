package io.netpersona.store;

import java.util.Objects;
import java.util.Set;

/**
 * One decision of an agent's adaptation engine, as the agent reported it.
 *
 * @param id made by the agent, unique among its node's entries
 * @param outcome one of {@link #OUTCOMES}
 * @param detailsJson the engine's own JSON (change set, metrics before and after), kept as it is
 * @param receivedAtMs when the repository stored it; 0 in an entry not stored yet
 */
public record JournalRecord(String node, String id, String persona, int version, long timeMs, String outcome, String reason,
        String detailsJson, long receivedAtMs) {
    public static final Set<String> OUTCOMES = Set.of("applied", "kept", "reverted", "no_action", "failed");

    public JournalRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(outcome, "outcome");
        reason = reason == null ? "" : reason;
        detailsJson = detailsJson == null || detailsJson.isBlank() ? "{}" : detailsJson;
    }
}
