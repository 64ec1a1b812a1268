package io.netpersona.model;

import java.time.Duration;

/**
 * Thresholds of the adaptation engine for this application: latency above {@code latencyHighMs} and loss
 * above {@code lossMediumPct} trigger policies; a change is judged over {@code verifyWindow}; a reverted
 * change is held off for {@code cooldown}; {@code advise} plans and records without applying.
 */
public record Adaptation(
        Double latencyHighMs, Double lossMediumPct, Duration verifyWindow, Duration cooldown, AdaptationMode mode) {}
