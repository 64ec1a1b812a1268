package io.netpersona.substrate;

import java.util.List;
import java.util.Map;

/**
 * A persona's actual state on a substrate: the resources that exist now for the keys the persona sets or
 * set before (absent keys are absent), the drift (owned resources that no longer look the way the last
 * apply left them), and the application's metrics.
 */
public record Observation(String persona, Map<Resource.Key, Resource> actual, List<String> drift, Metrics metrics) {
    public Observation {
        actual = Map.copyOf(actual);
        drift = List.copyOf(drift);
    }
}
