package io.netpersona.store;

import io.netpersona.model.Persona;
import java.util.OptionalInt;

/**
 * One stored version of a persona. {@code persona().metadata().version()} equals {@code version}.
 *
 * @param revision the change-feed revision that created this version
 * @param rolledBackFrom the version this one copies when it was made by a rollback
 */
public record PersonaVersion(String name, int version, Persona persona, long createdAtMs, long revision,
        OptionalInt rolledBackFrom) {}
