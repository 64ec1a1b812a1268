package io.netpersona.substrate;

import java.util.Map;
import java.util.Optional;

/**
 * A change set that was applied, with the state of every key it touched just before, so that
 * {@link Substrate#revert} can put the host back exactly.
 */
public record Applied(ChangeSet changes, Map<Resource.Key, Optional<Resource>> before, long appliedAtMillis) {
    public Applied {
        before = Map.copyOf(before);
    }
}
