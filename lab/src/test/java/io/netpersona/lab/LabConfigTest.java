package io.netpersona.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netpersona.model.Problem;
import io.netpersona.model.Rate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabConfigTest {
    @Test
    void theDefaultsAreTheDocumentedLab() {
        LabConfig c = LabConfig.defaults();
        assertThat(c.prefix()).isEqualTo("npl-");
        assertThat(c.stateDir()).isEqualTo(Path.of("/run/netpersona/lab"));
        assertThat(c.clients()).isEqualTo(2);
        assertThat(c.siteA()).isEqualTo(new LabConfig.SiteConfig(Rate.mbit(20), Duration.ofMillis(20), 0, 1500,
                List.of("arena", "video", "db", "web", "backup")));
        assertThat(c.siteB()).isEqualTo(new LabConfig.SiteConfig(Rate.mbit(20), Duration.ofMillis(40), 0, 1400, List.of()));
    }

    @Test
    void everyBadValueIsListedWithTheSettingAndWhatWasExpected() {
        InvalidLabConfigException e = catchThrowableOfType(InvalidLabConfigException.class, () -> LabConfig.builder()
                .prefix("NPL").rate(Rate.parse("500kbit")).delay(Site.A, Duration.ofSeconds(2)).loss(Site.B, 3.25)
                .mtu(Site.B, 9000).apps(Site.A, List.of("arena", "arena", "Video", "toolongname")).clients(0).build());
        assertThat(e.problems()).extracting(Problem::toString).containsExactly(
                "prefix: NPL (expected: 2-6 characters: a lowercase letter, up to 4 lowercase letters or digits, then '-', such as npl-)",
                "clients: 0 (expected: 1..8)",
                "rate-a: 500kbit (expected: 1Mbit..1Gbit)",
                "delay-a: 2s (expected: 0ms..1s, one way)",
                "apps-a: arena (expected: each application once)",
                "apps-a: Video (expected: an application name of 1-7 lowercase letters or digits, starting with a letter, such as arena)",
                "apps-a: toolongname (expected: an application name of 1-7 lowercase letters or digits, starting with a letter, such as arena)",
                "rate-b: 500kbit (expected: 1Mbit..1Gbit)",
                "loss-b: 3.25 (expected: a percentage 0..100 with at most one decimal, such as 3 or 0.5)",
                "mtu-b: 9000 (expected: 576..1500)");
    }

    @Test
    void lossTakesOneDecimalAndTheWholeRange() {
        assertThat(LabConfig.builder().loss(Site.A, 0.5).loss(Site.B, 100).build().siteA().lossPercent()).isEqualTo(0.5);
        assertThatThrownBy(() -> LabConfig.builder().loss(Site.A, -1).build()).hasMessageContaining("loss-a: -1.0");
        assertThatThrownBy(() -> LabConfig.builder().loss(Site.A, Double.NaN).build()).hasMessageContaining("loss-a: NaN");
    }

    @Test
    void aRelativeStateFolderIsRefused() {
        assertThatThrownBy(() -> LabConfig.builder().stateDir(Path.of("lab")).build())
                .hasMessage("state-dir: lab (expected: an absolute path)");
    }
}
