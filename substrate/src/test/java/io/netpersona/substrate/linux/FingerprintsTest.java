package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A fingerprint's parts found by hand, as splitting it at its blank lines finds them. */
class FingerprintsTest {
    @Test
    void aPartIsWhatSplittingAtBlankLinesGives() {
        List<String> prints = List.of("", "a", "a\n\nb", "a\n\n\nb", "\n\na\n\n", "class 1:2 rate 1Mbit\n\nqdisc tbf 2: rate 1Mbit",
                "a\nb\n\nc\n\n\n\nd");
        List<String> candidates = List.of("", "a", "b", "\nb", "c", "d", "\n", "a\nb", "class 1:2 rate 1Mbit", "qdisc tbf 2: rate 1Mbit");
        for (String print : prints) {
            String[] parts = print.split(Fingerprints.PART, -1);
            for (int index = 0; index < 5; index++) {
                for (String now : candidates) {
                    boolean split = index < parts.length && parts[index].equals(now);
                    assertThat(Fingerprints.partIs(print, index, now)).as("part %d of %s is %s", index, print, now).isEqualTo(split);
                }
            }
        }
    }
}
