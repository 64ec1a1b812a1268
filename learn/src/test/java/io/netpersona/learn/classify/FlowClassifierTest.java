package io.netpersona.learn.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.TrafficClass;
import org.junit.jupiter.api.Test;

class FlowClassifierTest {
    @Test
    void theNextClassifierAnswersWhatTheFirstCannotTellOrOnlyGuesses() {
        FlowClassifier unsure = f -> Verdict.UNKNOWN;
        FlowClassifier sure = f -> new Verdict(TrafficClass.BULK, 0.9);
        FlowClassifier guess = f -> new Verdict(TrafficClass.INTERACTIVE, 0.35);
        FlowClassifier rules = f -> new Verdict(TrafficClass.REALTIME, 0.5);
        assertThat(unsure.orElse(rules, 0.5).classify(null)).isEqualTo(new Verdict(TrafficClass.REALTIME, 0.5));
        assertThat(sure.orElse(rules, 0.5).classify(null)).isEqualTo(new Verdict(TrafficClass.BULK, 0.9));
        assertThat(guess.orElse(rules, 0.5).classify(null)).isEqualTo(new Verdict(TrafficClass.REALTIME, 0.5));
        // a guess is still better than nothing when the next one cannot tell either
        assertThat(guess.orElse(unsure, 0.5).classify(null)).isEqualTo(new Verdict(TrafficClass.INTERACTIVE, 0.35));
        assertThat(unsure.orElse(unsure, 0.5).classify(null)).isEqualTo(Verdict.UNKNOWN);
    }
}
