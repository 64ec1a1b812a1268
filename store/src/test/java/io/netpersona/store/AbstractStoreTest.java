package io.netpersona.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.PersonaDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data-access suite: every case runs against SQLite and against PostgreSQL through the subclasses,
 * which say where the database is and clean it up.
 */
abstract class AbstractStoreTest {
    static final long T0 = 1_750_000_000_000L;

    final MutableClock clock = new MutableClock(T0);
    private final List<Store> opened = new ArrayList<>();
    Store store;

    /** Makes a fresh, empty database for one test. */
    abstract void prepare() throws Exception;

    /** Where the fresh database is; the same for every call within one test. */
    abstract StoreConfig config();

    /** Removes the database made by {@link #prepare()}. */
    abstract void dispose() throws Exception;

    @BeforeEach
    final void openStore() throws Exception {
        prepare();
        store = open();
    }

    @AfterEach
    final void closeStores() throws Exception {
        opened.forEach(Store::close);
        dispose();
    }

    /** Another store on the same database: another process, or another control-plane replica. */
    Store open() {
        Store s = Store.open(config(), clock);
        opened.add(s);
        return s;
    }

    static Persona persona(String name, int mtu) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: %s, version: 99}
                spec:
                  app: {netns: %s}
                  mtu: %d
                """.formatted(name, name, mtu));
    }

    @Test
    void putHandsOutMonotonicVersionsAndKeepsEveryOne() {
        PutResult first = store.put(persona("arena", 1400));
        clock.advance(1000);
        PutResult second = store.put(persona("arena", 1300));
        store.put(persona("backup", 1500));

        assertThat(first).isInstanceOf(PutResult.Created.class);
        assertThat(first.version().version()).isEqualTo(1);
        assertThat(second.version().version()).isEqualTo(2);
        // the document's own version (99) is the caller's guess; the repository's number replaces it
        assertThat(second.version().persona().metadata().version()).isEqualTo(2);
        assertThat(second.version().createdAtMs()).isEqualTo(T0 + 1000);
        assertThat(store.history("arena")).extracting(v -> v.persona().spec().mtu()).containsExactly(1400, 1300);
        assertThat(store.latest("arena").orElseThrow().version()).isEqualTo(2);
        assertThat(store.version("arena", 1).orElseThrow().persona().spec().mtu()).isEqualTo(1400);
        assertThat(store.version("arena", 3)).isEmpty();
        assertThat(store.personas()).extracting(PersonaVersion::name, PersonaVersion::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("arena", 2), org.assertj.core.groups.Tuple.tuple("backup", 1));
        assertThat(store.history("nothing")).isEmpty();
    }

    @Test
    void puttingTheLatestDocumentAgainStoresNothing() {
        store.put(persona("arena", 1400));
        long revision = store.revision();

        PutResult again = store.put(persona("arena", 1400));

        assertThat(again).isInstanceOf(PutResult.Unchanged.class);
        assertThat(again.version().version()).isEqualTo(1);
        assertThat(store.history("arena")).hasSize(1);
        assertThat(store.revision()).isEqualTo(revision);
    }

    @Test
    void invalidPersonaIsRefusedWithItsProblems() {
        assertThatThrownBy(() -> store.put(persona("arena", 1400).withSpec(null)))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.INVALID))
                .hasMessageContaining("spec");
        assertThat(store.history("arena")).isEmpty();
    }

    @Test
    void putIfLatestRefusesAStaleEditor() {
        Store other = open();
        store.put(persona("arena", 1400));

        // the other replica still believes the persona does not exist
        assertThatThrownBy(() -> other.putIfLatest(persona("arena", 1300), 0))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.CONFLICT))
                .hasMessageContaining("latest version is 1, not 0");
        assertThat(other.putIfLatest(persona("arena", 1300), 1).version().version()).isEqualTo(2);
        assertThat(store.history("arena")).hasSize(2);
    }

    @Test
    void diffBetweenVersionsIsTheModelsDiff() {
        store.put(persona("arena", 1400));
        store.put(persona("arena", 1300));

        assertThat(store.diff("arena", 1, 2)).hasSize(1).first()
                .satisfies(c -> assertThat(c.path()).isEqualTo("spec.mtu"))
                .satisfies(c -> assertThat(c.oldValue()).isEqualTo(1400))
                .satisfies(c -> assertThat(c.newValue()).isEqualTo(1300));
        assertThat(store.diff("arena", 2, 1)).isEqualTo(PersonaDiff.diff(persona("arena", 1300), persona("arena", 1400)));
        assertThat(store.diff("arena", 2, 2)).isEmpty();
        assertThatThrownBy(() -> store.diff("arena", 1, 7))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NOT_FOUND))
                .hasMessage("persona arena has no version 7");
    }

    @Test
    void rollbackIsANewVersionEqualToTheOldOne() {
        store.put(persona("arena", 1400));
        store.put(persona("arena", 1300));
        store.put(persona("arena", 1200));

        PersonaVersion back = store.rollback("arena", 1);

        assertThat(back.version()).isEqualTo(4);
        assertThat(back.rolledBackFrom()).isEqualTo(OptionalInt.of(1));
        assertThat(store.diff("arena", 1, 4)).isEmpty();
        assertThat(store.latest("arena").orElseThrow().persona().spec().mtu()).isEqualTo(1400);
        assertThat(store.history("arena")).extracting(PersonaVersion::rolledBackFrom)
                .containsExactly(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(1));
        assertThatThrownBy(() -> store.rollback("arena", 9))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NOT_FOUND));
        assertThat(store.history("arena")).hasSize(4);
    }

    @Test
    void assignmentsGiveEachNodeTheLatestVersionOfItsPersonas() {
        store.put(persona("arena", 1400));
        store.put(persona("backup", 1500));
        store.assign("arena", "host-a");
        store.assign("backup", "host-a");
        store.assign("arena", "host-b");
        Assignment again = store.assign("arena", "host-b");
        store.put(persona("arena", 1300));

        assertThat(again.createdAtMs()).isEqualTo(T0);
        assertThat(store.assignments()).extracting(Assignment::persona, Assignment::node).containsExactly(
                org.assertj.core.groups.Tuple.tuple("arena", "host-a"), org.assertj.core.groups.Tuple.tuple("arena", "host-b"),
                org.assertj.core.groups.Tuple.tuple("backup", "host-a"));
        assertThat(store.desired("host-a")).containsOnlyKeys("arena", "backup");
        assertThat(store.desired("host-a").get("arena").version()).isEqualTo(2);
        assertThat(store.desired("host-b").get("arena").persona().spec().mtu()).isEqualTo(1300);

        assertThat(store.unassign("arena", "host-a")).isTrue();
        assertThat(store.unassign("arena", "host-a")).isFalse();
        assertThat(store.desired("host-a")).containsOnlyKeys("backup");
        assertThat(store.desired("host-c")).isEmpty();
    }

    @Test
    void assignmentsRefuseUnknownPersonasAndBadNodeNames() {
        assertThatThrownBy(() -> store.assign("ghost", "host-a"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NOT_FOUND))
                .hasMessageContaining("ghost");
        store.put(persona("arena", 1400));
        assertThatThrownBy(() -> store.assign("arena", "Host_A"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.INVALID))
                .hasMessageStartingWith("node: Host_A (expected:");
        assertThat(store.assignments()).isEmpty();
    }

    @Test
    void agentsKeepTheirLastState() {
        store.registerAgent("host-a", "a.lab", "0.1.0");
        clock.advance(5_000);
        store.agentSeen("host-a", Map.of("arena", 2, "backup", 1));
        clock.advance(1_000);
        store.agentNacked("host-a", "arena", 3, "spec.mtu: 70000 (expected: 576..9216)");

        AgentState a = store.agent("host-a").orElseThrow();
        assertThat(a.hostname()).isEqualTo("a.lab");
        assertThat(a.registeredAtMs()).isEqualTo(T0);
        assertThat(a.lastSeenMs()).isEqualTo(T0 + 6_000);
        assertThat(a.running()).isEqualTo(Map.of("arena", 2, "backup", 1));
        assertThat(a.lastNack()).contains(new AgentState.Nack("arena", 3, "spec.mtu: 70000 (expected: 576..9216)", T0 + 6_000));

        // registering again (after the agent's restart) keeps what it reported and its last refusal
        clock.advance(1_000);
        store.registerAgent("host-a", "a.lab", "0.1.1");
        assertThat(store.agent("host-a").orElseThrow().running()).containsEntry("arena", 2);
        assertThat(store.agent("host-a").orElseThrow().agentVersion()).isEqualTo("0.1.1");
        assertThat(store.agent("host-a").orElseThrow().lastNack()).isPresent();

        store.registerAgent("host-b", "b.lab", "0.1.0");
        assertThat(store.agents()).extracting(AgentState::node).containsExactly("host-a", "host-b");
        assertThat(store.agent("host-c")).isEmpty();
        assertThatThrownBy(() -> store.agentSeen("host-c", Map.of()))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NOT_FOUND));
    }

    @Test
    void theReportsOfManyAgentsAreWrittenTogether() {
        Map<String, Map<String, Integer>> reports = new java.util.HashMap<>();
        for (int i = 0; i < 700; i++) {
            store.registerAgent("host-" + i, "h" + i + ".lab", "0.1.0");
            reports.put("host-" + i, Map.of("arena", i % 7 + 1));
        }
        // a node that is gone (or never was) does not keep the others' reports out
        reports.put("host-gone", Map.of("arena", 1));
        clock.advance(2_000);
        store.agentsSeen(reports);

        List<AgentState> agents = store.agents();
        assertThat(agents).hasSize(700).allSatisfy(a -> {
            assertThat(a.running()).isEqualTo(reports.get(a.node()));
            assertThat(a.lastSeenMs()).isEqualTo(T0 + 2_000);
        });
        assertThat(store.agent("host-gone")).isEmpty();
        assertThatThrownBy(() -> store.agentsSeen(Map.of("Bad_Node", Map.of())))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.INVALID))
                .hasMessageStartingWith("node: Bad_Node (expected:");
    }

    @Test
    void anAgentsCapabilitiesAreKeptAndReplaced() {
        store.registerAgent("host-a", "a.lab", "0.1.0");
        assertThat(store.agent("host-a").orElseThrow().capabilities()).isEmpty();
        var first = new AgentState.Capabilities("linux", List.of(new AgentState.Capability("qdisc:htb", true, ""),
                new AgentState.Capability("cc:bbr", false, "module tcp_bbr not loaded")));
        store.agentCapabilities("host-a", first);
        assertThat(open().agent("host-a").orElseThrow().capabilities()).contains(first);

        var second = new AgentState.Capabilities("sim", List.of());
        store.agentCapabilities("host-a", second);
        store.registerAgent("host-a", "a.lab", "0.1.1");
        assertThat(store.agent("host-a").orElseThrow().capabilities()).contains(second);
        assertThatThrownBy(() -> store.agentCapabilities("host-c", first))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NOT_FOUND));
    }

    @Test
    void everyRegistrationHasANewSessionThatEveryReplicaSees() {
        String first = store.registerAgent("host-a", "a.lab", "0.1.0").session();
        String second = store.registerAgent("host-a", "a.lab", "0.1.0").session();
        assertThat(first).isNotBlank().isNotEqualTo(second);
        assertThat(open().agent("host-a").orElseThrow().session()).isEqualTo(second);
    }

    static JournalRecord entry(String node, String id, String outcome, long timeMs) {
        return new JournalRecord(node, id, "arena", 2, timeMs, outcome, "rtt p99 above 80 ms", "{\"rate\":\"20Mbit\"}", 0);
    }

    @Test
    void theJournalStoresAResentEntryOnceAndOnlyForItsOwnNode() {
        clock.advance(500);
        assertThat(store.appendJournal("host-a", List.of(entry("host-a", "e1", "applied", T0), entry("host-a", "e2", "no_action", T0 + 10))))
                .isEqualTo(2);
        // resent after a reconnect, with one new entry
        assertThat(store.appendJournal("host-a", List.of(entry("host-a", "e2", "no_action", T0 + 10), entry("host-a", "e3", "reverted", T0 + 20))))
                .isEqualTo(1);
        // another node may use the same id without touching host-a's entry
        assertThat(store.appendJournal("host-b", List.of(entry("host-b", "e1", "failed", T0 + 5)))).isEqualTo(1);

        assertThat(store.journal("host-a", null, 100)).extracting(JournalRecord::id).containsExactly("e3", "e2", "e1");
        JournalRecord e1 = store.journal("host-a", null, 100).getLast();
        assertThat(e1).isEqualTo(new JournalRecord("host-a", "e1", "arena", 2, T0, "applied", "rtt p99 above 80 ms", "{\"rate\":\"20Mbit\"}", T0 + 500));
        assertThat(store.journal(null, "arena", 2)).extracting(r -> r.node() + "/" + r.id()).containsExactly("host-a/e3", "host-a/e2");
        assertThat(store.journal("host-b", null, 10)).extracting(JournalRecord::outcome).containsExactly("failed");

        assertThatThrownBy(() -> store.appendJournal("host-a", List.of(entry("host-a", "e9", "applied", T0), entry("host-b", "e8", "applied", T0))))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.INVALID))
                .hasMessage("entries[1].node: host-b (expected: host-a, the reporting agent's node)");
        assertThatThrownBy(() -> store.appendJournal("host-a", List.of(entry("host-a", "e9", "exploded", T0))))
                .hasMessageStartingWith("entries[0].outcome: exploded (expected: one of applied, failed, kept, no_action, reverted)");
        assertThat(store.journal("host-a", null, 100)).as("nothing of a refused batch is stored").hasSize(3);
    }

    @Test
    void changeFeedLetsAnotherReplicaCatchUp() {
        Store replica = open();
        assertThat(replica.revision()).isZero();
        store.put(persona("arena", 1400));
        long seen = replica.revision();

        store.assign("arena", "host-a");
        store.put(persona("arena", 1300));
        store.unassign("arena", "host-a");

        List<ChangeEvent> changes = replica.changesSince(seen, 100);
        assertThat(changes).extracting(ChangeEvent::kind, ChangeEvent::persona, ChangeEvent::node, ChangeEvent::version).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ChangeEvent.Kind.ASSIGNED, "arena", "host-a", 0),
                org.assertj.core.groups.Tuple.tuple(ChangeEvent.Kind.PERSONA_VERSION, "arena", null, 2),
                org.assertj.core.groups.Tuple.tuple(ChangeEvent.Kind.UNASSIGNED, "arena", "host-a", 0));
        assertThat(changes).extracting(ChangeEvent::revision).containsExactly(seen + 1, seen + 2, seen + 3);
        assertThat(replica.revision()).isEqualTo(seen + 3);
        assertThat(replica.changesSince(seen, 2)).hasSize(2);
        assertThat(replica.changesSince(seen + 3, 100)).isEmpty();
    }

    @Test
    void twoWritersAtOnceLoseNoVersionAndHandOutNoneTwice() throws Exception {
        Store other = open();
        int each = 15;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<?> a = pool.submit(() -> putMany(store, start, 1000, each));
            Future<?> b = pool.submit(() -> putMany(other, start, 2000, each));
            start.countDown();
            a.get();
            b.get();
        }

        List<PersonaVersion> history = store.history("arena");
        assertThat(history).extracting(PersonaVersion::version)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 2 * each).boxed().toList());
        assertThat(history).extracting(v -> v.persona().spec().mtu()).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, each).boxed().flatMap(i -> Stream.of(1000 + i, 2000 + i)).toList());
        List<ChangeEvent> feed = store.changesSince(0, 1000);
        assertThat(feed).extracting(ChangeEvent::revision)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 2 * each).mapToObj(i -> (long) i).toList());
        // revision order is version order: the feed never shows a version before the one it follows
        assertThat(feed).extracting(ChangeEvent::version).isSorted();
    }

    @Test
    void twoOptimisticEditorsBothGetThroughByRetrying() throws Exception {
        Store other = open();
        int each = 8;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<Integer> a = pool.submit(() -> editMany(store, start, 1000, each));
            Future<Integer> b = pool.submit(() -> editMany(other, start, 2000, each));
            start.countDown();
            a.get();
            b.get();
        }
        assertThat(store.history("arena")).extracting(PersonaVersion::version)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 2 * each).boxed().toList());
    }

    @Test
    void everythingIsThereAfterReopening() {
        store.put(persona("arena", 1400));
        store.put(persona("arena", 1300));
        store.assign("arena", "host-a");
        store.registerAgent("host-a", "a.lab", "0.1.0");
        store.agentSeen("host-a", Map.of("arena", 2));
        long revision = store.revision();
        store.close();
        opened.remove(store);

        store = open();
        assertThat(store.history("arena")).extracting(v -> v.persona().spec().mtu()).containsExactly(1400, 1300);
        assertThat(store.assignments()).extracting(Assignment::node).containsExactly("host-a");
        assertThat(store.agent("host-a").orElseThrow().running()).isEqualTo(Map.of("arena", 2));
        assertThat(store.revision()).isEqualTo(revision);
        assertThat(store.put(persona("arena", 1200)).version().version()).isEqualTo(3);
        assertThat(store.revision()).isEqualTo(revision + 1);
    }

    private static void putMany(Store s, CountDownLatch start, int base, int count) {
        await(start);
        for (int i = 0; i < count; i++) {
            assertThat(s.put(persona("arena", base + i))).isInstanceOf(PutResult.Created.class);
        }
    }

    /** An editor that reads the latest version and saves on top of it, reading again when it lost. */
    private static int editMany(Store s, CountDownLatch start, int base, int count) {
        await(start);
        int conflicts = 0;
        for (int i = 0; i < count; i++) {
            while (true) {
                int latest = s.latest("arena").map(PersonaVersion::version).orElse(0);
                try {
                    s.putIfLatest(persona("arena", base + i), latest);
                    break;
                } catch (StoreException e) {
                    assertThat(e.reason()).isEqualTo(StoreException.Reason.CONFLICT);
                    conflicts++;
                }
            }
        }
        return conflicts;
    }

    private static void await(CountDownLatch start) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
