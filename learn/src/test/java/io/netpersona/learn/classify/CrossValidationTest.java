package io.netpersona.learn.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.learn.TrainingData;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How often the default training agrees with nDPI on flows it identified from their payload ("DPI"), each
 * capture judged by a forest trained without it. {@code scripts/train-classifier --folds 5} prints the same.
 */
class CrossValidationTest {
    /**
     * The target. Measured: 0.9105 with these folds (see README, "Traffic classes of flows"), a margin
     * of about 45 of 4,267 flows; other deals of the captures measured between 0.906 and 0.913. The report
     * is printed for a person to read.
     */
    static final double FLOOR = 0.90;

    @Test
    void agreementByCaptureFile() {
        Path folder = TrainingData.folder();
        TrainingSet set = TrainingSet.read(folder.resolve("pcap"), folder.resolve("labels.csv"),
                folder.getParent().resolve("traffic-classes.csv"));
        assertThat(set.captures()).as("captures with labelled flows").isGreaterThan(300);
        assertThat(set.examples()).allSatisfy(e -> assertThat(e.capture()).doesNotStartWith("custom_"));

        List<List<TrainingSet.Example>> folds = CrossValidation.folds(set.examples(), 5, 0);
        Set<String> seen = new HashSet<>();
        for (List<TrainingSet.Example> fold : folds) {
            Set<String> captures = new HashSet<>();
            fold.forEach(e -> captures.add(e.capture()));
            assertThat(java.util.Collections.disjoint(captures, seen)).as("a capture is in one fold only").isTrue();
            seen.addAll(captures);
        }
        assertThat(folds.stream().mapToInt(List::size).sum()).isEqualTo(set.examples().size());

        CrossValidation.Report report = CrossValidation.run(set, 5, 0);
        System.out.print(report.text());
        assertThat(report.flows()).isEqualTo(set.examples().size());
        assertThat(report.agreement()).as(report.text()).isGreaterThanOrEqualTo(FLOOR);
    }
}
