package io.netpersona.model;

/**
 * One difference between two personas: the field path, the value before and the value after.
 * An absent value is null: a change with no old value adds the field, one with no new value removes it.
 * For the allowlist, whose order does not matter, each rule added or removed is one change at
 * {@code spec.security.allow}; dependencies and labels are addressed by name ({@code spec.dependencies[db].port}).
 */
public record Change(String path, Object oldValue, Object newValue) {
    /** What kind of difference this is. */
    public enum Kind { ADDED, REMOVED, CHANGED }

    public Kind kind() {
        if (oldValue == null) {
            return Kind.ADDED;
        }
        return newValue == null ? Kind.REMOVED : Kind.CHANGED;
    }

    /** The same change in the other direction (the change from b to a). */
    public Change inverse() {
        return new Change(path, newValue, oldValue);
    }

    /** {@code spec.qos.ceilRate: 20Mbit -> 30Mbit}, {@code + spec.mtu: 1400}, {@code - spec.mtu: 1400}. */
    @Override
    public String toString() {
        return switch (kind()) {
            case ADDED -> "+ " + path + ": " + FlowText.of(newValue);
            case REMOVED -> "- " + path + ": " + FlowText.of(oldValue);
            case CHANGED -> "~ " + path + ": " + FlowText.of(oldValue) + " -> " + FlowText.of(newValue);
        };
    }
}
