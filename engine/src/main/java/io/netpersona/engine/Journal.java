package io.netpersona.engine;

import java.util.List;

/**
 * The append-only record of the engine's decisions. A decision to act is {@link #record recorded} as
 * {@link Outcome#PENDING} and durable before the change is applied, and {@link #finish finished} with its
 * outcome after, so that a crash in between leaves a pending entry rather than a change nobody recorded.
 * Safe to call from several applications' lanes at once.
 */
public interface Journal extends AutoCloseable {
    /**
     * Stores a decision. A decision not to act with the same code as the application's previous entry
     * (also not to act) updates that entry instead ({@code repeats}, {@code lastAt}, reason and signals),
     * so an application that is fine for a day costs a few rows, not one per observation.
     *
     * @return the entry as stored (the earlier one when coalesced)
     */
    JournalEntry record(JournalEntry entry);

    /**
     * Records when a pending entry's change was in the kernel (the substrate's apply returned); the time from a
     * fault to its answer is measured to here, not to the decision, which is written before the apply.
     */
    void applied(String id, long atMillis);

    /** Sets the outcome of a pending entry; an entry that is no longer pending is left as it is. */
    void finish(String id, Outcome outcome, String reason, String after, long atMillis);

    /** Entries in time order, oldest first. */
    List<JournalEntry> list(Query query);

    /** The application's entries still pending: decisions whose outcome was never written. */
    default List<JournalEntry> pending(String app) {
        return list(new Query(app, null, Integer.MAX_VALUE)).stream().filter(e -> e.outcome() == Outcome.PENDING).toList();
    }

    /** Which entries to list: one application or all (null), from a time on or all (null), at most {@code limit}. */
    record Query(String app, Long sinceMillis, int limit) {
        public static Query all() {
            return new Query(null, null, Integer.MAX_VALUE);
        }
    }

    @Override
    void close();
}
