package io.netpersona.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last known state of one agent.
 *
 * @param running persona name -> version, as the agent last reported
 * @param lastNack the last refusal the agent reported, if any
 * @param capabilities what the agent's substrate can do, as last reported; empty until it reports
 * @param session the agent's current registration, made anew by every {@link Store#registerAgent}: a stream
 *     presenting an older one belongs to a registration that was replaced
 */
public record AgentState(String node, String hostname, String agentVersion, long registeredAtMs, long lastSeenMs,
        Map<String, Integer> running, Optional<Nack> lastNack, String session, Optional<Capabilities> capabilities) {
    public AgentState {
        running = Map.copyOf(running);
    }

    /** A persona version the agent refused, and why. */
    public record Nack(String persona, int version, String reason, long atMs) {}

    /** What an agent's substrate ("linux", "sim") can do. */
    public record Capabilities(String substrate, List<Capability> capabilities) {
        public Capabilities {
            capabilities = List.copyOf(capabilities);
        }
    }

    /** One capability ("qdisc:htb", "cc:bbr"); {@code reason} says why not when it is not available. */
    public record Capability(String name, boolean available, String reason) {}
}
