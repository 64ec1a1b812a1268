package io.netpersona.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.learn.classify.FlowClassifier;
import io.netpersona.learn.profile.Profile;
import io.netpersona.learn.profile.ProfileBuilder;
import io.netpersona.learn.profile.ProfileException;
import io.netpersona.learn.profile.Selection;
import io.netpersona.learn.synth.PersonaSynthesizer;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.PersonaValidator;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Every shared capture, malformed ones included, gives a valid persona of its dominant server, or a profile
 * error that says why there is none; never an exception of another kind or an invalid document.
 */
class LearnSharedCapturesTest {
    @Test
    void everyCaptureGivesAValidPersonaOrAReason() {
        int personas = 0, refused = 0;
        for (Path file : TrainingData.captures()) {
            ProfileBuilder b = new ProfileBuilder(Selection.AUTO, FlowClassifier.standard());
            try {
                Flows.read(file, FlowMeter.Options.DEFAULTS, b, b.packets(), Flows.Progress.NONE);
            } catch (CaptureException e) {
                continue;
            }
            Persona persona;
            try {
                Profile p = b.build();
                persona = PersonaSynthesizer.synthesize(p, new PersonaSynthesizer.Request(null, null,
                        file.getFileName().toString(), Instant.EPOCH));
            } catch (ProfileException e) {
                assertThat(e.getMessage()).as(file.toString()).matches("no .*|the application .* serves no TCP or UDP port.*");
                refused++;
                continue;
            }
            assertThat(PersonaValidator.validate(persona)).as(file.toString()).isEmpty();
            assertThat(PersonaCodec.readYaml(PersonaCodec.toYaml(persona))).as(file.toString()).isEqualTo(persona);
            assertThat(persona.evidence().rates().p99()).as(file.toString()).isLessThanOrEqualTo(persona.evidence().rates().peak());
            personas++;
        }
        assertThat(personas).isGreaterThan(400);
        System.out.println("shared captures: " + personas + " personas, " + refused + " refused with a reason");
    }
}
