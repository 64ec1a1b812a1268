package io.netpersona.store;

import java.util.Map;
import java.util.Optional;

/**
 * The last known state of one agent.
 *
 * @param running persona name -> version, as the agent last reported
 * @param lastNack the last refusal the agent reported, if any
 * @param session the agent's current registration, made anew by every {@link Store#registerAgent}: a stream
 *     presenting an older one belongs to a registration that was replaced
 */
public record AgentState(String node, String hostname, String agentVersion, long registeredAtMs, long lastSeenMs,
        Map<String, Integer> running, Optional<Nack> lastNack, String session) {
    public AgentState {
        running = Map.copyOf(running);
    }

    /** A persona version the agent refused, and why. */
    public record Nack(String persona, int version, String reason, long atMs) {}
}
