package io.netpersona.store;

import io.netpersona.model.Change;
import io.netpersona.model.Persona;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The persona repository: every version of every persona, the assignments of personas to nodes, and the
 * agents' last state. One implementation serves SQLite and PostgreSQL with one schema history.
 *
 * <p>Concurrency: a store is safe for use from many threads, and several stores (several processes, or
 * control-plane replicas on one PostgreSQL) may share one database. Writes that others must hear of
 * (persona versions, assignments) are serialized in the database, so no version is lost or handed out
 * twice, and each gets the next {@linkplain #revision() revision} of the change feed. Agents' state is
 * last-writer-wins and not in the feed.
 *
 * <p>Errors are {@link StoreException}s whose reason says what kind of refusal it was.
 */
public interface Store extends AutoCloseable {

    /** Opens (and migrates to the current schema) the repository at {@code config}. */
    static Store open(StoreConfig config, Clock clock) {
        return JdbcStore.open(config, clock);
    }

    /**
     * Stores {@code persona} as the next version of its name, unless it equals the latest version. The
     * version in the document is ignored: the repository assigns it.
     *
     * @throws StoreException INVALID when the persona does not validate (every problem in the message)
     */
    PutResult put(Persona persona);

    /**
     * Like {@link #put}, but only if the latest version is still {@code expectedLatest} (0: the persona
     * must not exist yet): the optimistic check for an editor that read version N and saves N+1.
     *
     * @throws StoreException CONFLICT when another version was stored meanwhile
     */
    PutResult putIfLatest(Persona persona, int expectedLatest);

    /** The latest version of a persona. */
    Optional<PersonaVersion> latest(String name);

    /** One version of a persona. */
    Optional<PersonaVersion> version(String name, int version);

    /** Every version of a persona, oldest first; empty when there is none. */
    List<PersonaVersion> history(String name);

    /** The latest version of every persona, by name. */
    List<PersonaVersion> personas();

    /**
     * What changes between two versions of a persona (metadata.version aside).
     *
     * @throws StoreException NOT_FOUND naming the missing version
     */
    List<Change> diff(String name, int fromVersion, int toVersion);

    /**
     * Makes a new version equal to version {@code toVersion}: history is never rewritten, so a rollback is
     * itself a version that can be rolled back.
     *
     * @throws StoreException NOT_FOUND naming the missing version
     */
    PersonaVersion rollback(String name, int toVersion);

    /**
     * Assigns a persona to a node; assigning it again changes nothing and returns the existing assignment.
     *
     * @throws StoreException NOT_FOUND when the persona has no version; INVALID for a bad node name
     */
    Assignment assign(String persona, String node);

    /** Removes an assignment; false when there was none. */
    boolean unassign(String persona, String node);

    /** Every assignment, by persona then node. */
    List<Assignment> assignments();

    /** What a node must run: persona name -> the latest version of each persona assigned to it. */
    Map<String, PersonaVersion> desired(String node);

    /** Records that an agent registered (again); keeps what it last reported running. */
    AgentState registerAgent(String node, String hostname, String agentVersion);

    /**
     * Records what an agent reported running, and when.
     *
     * @throws StoreException NOT_FOUND when the agent never registered
     */
    void agentSeen(String node, Map<String, Integer> running);

    /**
     * {@link #agentSeen} for many agents at once (node -> what it runs), in few transactions. Reports of nodes
     * that never registered are passed over: they come from streams, which exist only after a registration.
     *
     * @throws StoreException INVALID for a bad node name
     */
    void agentsSeen(Map<String, Map<String, Integer>> reports);

    /**
     * Records what an agent's substrate can do, replacing what it reported before.
     *
     * @throws StoreException NOT_FOUND when the agent never registered
     */
    void agentCapabilities(String node, AgentState.Capabilities capabilities);

    /**
     * Records a refusal reported by an agent.
     *
     * @throws StoreException NOT_FOUND when the agent never registered
     */
    void agentNacked(String node, String persona, int version, String reason);

    Optional<AgentState> agent(String node);

    /** Every agent, by node name. */
    List<AgentState> agents();

    /**
     * Stores journal entries reported by the agent of {@code node}; an entry whose id the node already used
     * is not stored again (an agent resends what it is unsure arrived). All or none are checked before any
     * is stored.
     *
     * @return how many were new
     * @throws StoreException INVALID naming the entry and field, for an entry of another node among them
     */
    int appendJournal(String node, List<JournalRecord> entries);

    /** Journal entries, newest first, of one node and/or one persona (null: any), at most {@code limit}. */
    List<JournalRecord> journal(String node, String persona, int limit);

    /** The revision of the last change; 0 for an empty repository. */
    long revision();

    /** Changes after {@code revision}, oldest first, at most {@code limit}. */
    List<ChangeEvent> changesSince(long revision, int limit);

    /** Releases the connections. */
    @Override
    void close();
}
