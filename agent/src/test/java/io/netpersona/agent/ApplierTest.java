package io.netpersona.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Persona;
import io.netpersona.proto.agent.v1.Assignment;
import io.netpersona.proto.agent.v1.AssignmentUpdate;
import io.netpersona.proto.agent.v1.Refusal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the control plane could send and a host could not take, one persona at a time. */
class ApplierTest {
    @TempDir
    Path dir;
    final FakeHost host = new FakeHost();
    final List<String> adapted = new ArrayList<>();

    Applier applier() {
        return new Applier(host, LocalState.load(dir), new Applier.Adaptation() {
            @Override
            public void pause(String persona) {
                adapted.add("pause " + persona);
            }

            @Override
            public void resume(Persona persona) {
                adapted.add("resume " + persona.name() + "@" + persona.metadata().version());
            }
        }, line -> {});
    }

    /** The process ends here: nothing after it runs. */
    static final class Killed extends Error {}

    static Assignment assignment(String name, long version, String json) {
        return Assignment.newBuilder().setPersona(name).setVersion(version).setDocumentJson(json).build();
    }

    static String doc(String name, int version, int mtu) {
        return """
                {"apiVersion": "netpersona.io/v1", "kind": "Persona", "metadata": {"name": "%s", "version": %d},
                 "spec": {"app": {"netns": "web"}, "mtu": %d}}""".formatted(name, version, mtu);
    }

    @Test
    void anInvalidDocumentIsRefusedWithEveryProblemAndTheRestOfTheUpdateIsApplied() throws Exception {
        Applier a = applier();
        assertThat(a.update(AssignmentUpdate.newBuilder().addAssignments(assignment("web", 1, doc("web", 1, 1400))).build())).isEmpty();
        List<Refusal> refused = a.update(AssignmentUpdate.newBuilder()
                .addAssignments(assignment("web", 2, doc("web", 2, 70000).replace("\"netpersona.io/v1\"", "\"v0\"")))
                .addAssignments(assignment("db", 1, doc("other", 1, 1400)))
                .addAssignments(assignment("api", 1, doc("api", 1, 1300))).build());
        assertThat(refused).extracting(Refusal::getPersona).containsExactly("web", "db");
        assertThat(refused.get(0).getReason()).startsWith("document: invalid (").contains("and 1 more");
        assertThat(refused.get(0).getProblemsList()).hasSize(2).anySatisfy(p -> assertThat(p).startsWith("spec.mtu: 70000"));
        assertThat(refused.get(1).getReason()).isEqualTo("metadata.name: other (expected: db, the assigned persona)");
        assertThat(a.running()).isEqualTo(Map.of("web", 1L, "api", 1L));
        assertThat(host.version("web")).isEqualTo("1");
        assertThat(adapted).containsExactly("pause web", "resume web@1", "pause api", "resume api@1");
    }

    @Test
    void theIntentIsSavedBeforeTheHostIsTouched() throws Exception {
        Applier a = applier();
        a.update(AssignmentUpdate.newBuilder().addAssignments(assignment("web", 1, doc("web", 1, 1400))).build());
        // a host that dies on the next apply, as a process killed in the middle of it
        FakeHost dying = new FakeHost() {
            @Override
            public synchronized io.netpersona.substrate.Applied apply(io.netpersona.substrate.ChangeSet changes) {
                throw new Killed();
            }
        };
        dying.kernel.putAll(host.kernel);
        Applier b = new Applier(dying, LocalState.load(dir), new Applier.Adaptation() {
            @Override
            public void pause(String persona) {}

            @Override
            public void resume(Persona persona) {}
        }, line -> {});
        try {
            b.update(AssignmentUpdate.newBuilder().addAssignments(assignment("web", 2, doc("web", 2, 1300))).build());
        } catch (Killed expected) {
            // the process is gone here
        }
        LocalState saved = LocalState.load(dir);
        assertThat(saved.desired().get("web").version()).isEqualTo(2);
        assertThat(saved.running().get("web").version()).isEqualTo(1);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly(LocalState.FILE);

        Applier restarted = applier();
        restarted.converge();
        assertThat(restarted.running()).isEqualTo(Map.of("web", 2L));
        assertThat(host.version("web")).isEqualTo("2");
    }

    @Test
    void aSavedPersonaThatNoLongerAppliesAfterARestartIsNotClaimedAsRunning() {
        applier().update(AssignmentUpdate.newBuilder().addAssignments(assignment("web", 1, doc("web", 1, 1400))).build());
        // the application's namespace is gone after a reboot
        FakeHost rebooted = new FakeHost() {
            @Override
            public synchronized io.netpersona.substrate.ChangeSet plan(io.netpersona.substrate.Observation actual, Persona desired) {
                throw new io.netpersona.substrate.InvalidRequestException(List.of(new io.netpersona.model.Problem("spec.app.netns",
                        "web (expected: an existing network namespace)")));
            }
        };
        List<String> said = new ArrayList<>();
        Applier after = new Applier(rebooted, LocalState.load(dir), new Applier.Adaptation() {
            @Override
            public void pause(String persona) {}

            @Override
            public void resume(Persona persona) {
                said.add("resume " + persona.name());
            }
        }, said::add);
        after.converge();
        assertThat(after.running()).as("the Hello must not claim it: the control plane sends it again").isEmpty();
        assertThat(said).containsExactly("persona web: version 1 does not apply (spec.app.netns: web (expected: an existing network namespace))");
        assertThat(LocalState.load(dir).desired()).containsKey("web");
    }
}
