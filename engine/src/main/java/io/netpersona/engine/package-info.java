/**
 * The adaptation engine. {@link io.netpersona.engine.Engine} runs one loop per application: observe
 * through a substrate, evaluate {@link io.netpersona.engine.Policies} made from the persona's
 * {@code adaptation} thresholds, apply the combined change (or only record it in advise mode), verify it
 * over the persona's window, keep or revert it. {@link io.netpersona.engine.Journal} records every
 * decision; {@link io.netpersona.engine.SqliteJournal} keeps it in a file.
 */
package io.netpersona.engine;
