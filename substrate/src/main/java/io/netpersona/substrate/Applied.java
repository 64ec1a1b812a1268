package io.netpersona.substrate;

import io.netpersona.model.Persona;
import java.util.Map;
import java.util.Optional;

/**
 * A change set that was applied, with the state of every key it touched just before (and the persona the
 * host realised before, or null), so that {@link Substrate#revert} can put the host back exactly.
 */
public record Applied(ChangeSet changes, Map<Resource.Key, Optional<Resource>> before, Persona previous,
        long appliedAtMillis) {
    public Applied {
        before = Map.copyOf(before);
    }
}
