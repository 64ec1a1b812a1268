package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.SubstrateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The records' log: what a reader finds after commits, an apply cut short, a torn line, and compaction. */
class RecordsTest {
    @TempDir
    Path dir;

    static Resource res(String id, String value) {
        return new Resource("sysctl", "ns", id, Map.of("value", value));
    }

    static Records.Record record(String persona, String value) {
        Resource r = res("net.x", value);
        return new Records.Record(persona, 0x10, Map.of(r.key(), new Records.Entry(r.key(), Optional.empty(), Optional.of(r), null)),
                "{\"doc\":\"" + value + "\"}");
    }

    @Test
    void theLastCommitOfEachPersonaWinsAndAnEmptyRecordRemovesIt() {
        Records w = new Records(dir);
        w.saveAll(List.of(record("a", "1"), record("b", "1")));
        w.saveAll(List.of(record("a", "2"), new Records.Record("b", 0, Map.of(), null)));
        Records r = new Records(dir);
        assertThat(r.all()).extracting(Records.Record::persona).containsExactly("a");
        assertThat(r.load("a").orElseThrow().document()).isEqualTo("{\"doc\":\"2\"}");
        assertThat(r.load("a").orElseThrow().entries().values()).singleElement()
                .satisfies(e -> assertThat(e.applied()).contains(res("net.x", "2")));
        assertThat(r.unfinished()).isEmpty();
    }

    @Test
    void aCommitOfAThousandRecordsIsOneLineThatReadsBackWhole() throws Exception {
        List<Records.Record> many = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(i % 10 == 3 ? new Records.Record("p" + i, 0, Map.of(), null) : record("p" + i, "v\"" + i));
        }
        Records w = new Records(dir);
        w.saveAll(List.of(record("p3", "there before")));
        w.saveAll(many);
        assertThat(Files.readAllLines(dir.resolve(Records.LOG))).hasSize(2);
        Records r = new Records(dir);
        assertThat(r.all()).hasSize(900);
        assertThat(r.load("p3")).as("an empty record removes the persona").isEmpty();
        for (Records.Record expected : many.stream().filter(x -> !x.entries().isEmpty()).toList()) {
            assertThat(r.load(expected.persona())).contains(expected);
        }
    }

    @Test
    void anApplyBegunAndNeverEndedIsFoundWithItsStatesAndAnAbortEndsIt() {
        Records w = new Records(dir);
        w.saveAll(List.of(record("a", "1")));
        Resource.Key k = res("net.x", "1").key();
        w.begin(new Records.Journal(Map.of(k, Optional.of(res("net.x", "1"))), Map.of(k, Optional.of(res("net.x", "2")))));
        Records r = new Records(dir);
        Records.Journal j = r.unfinished().orElseThrow();
        assertThat(j.before()).containsEntry(k, Optional.of(res("net.x", "1")));
        assertThat(j.target()).containsEntry(k, Optional.of(res("net.x", "2")));
        assertThat(r.load("a").orElseThrow().document()).as("records never changed").isEqualTo("{\"doc\":\"1\"}");
        r.abort();
        assertThat(new Records(dir).unfinished()).isEmpty();
    }

    @Test
    void aJournalOfThousandsOfKeysIsOneLineThatReadsBackWhole() throws Exception {
        Map<Resource.Key, Optional<Resource>> before = new java.util.TreeMap<>();
        Map<Resource.Key, Optional<Resource>> target = new java.util.TreeMap<>();
        for (int i = 0; i < 3000; i++) {
            Resource was = res("net.k" + i, "\"old\" " + i);
            before.put(was.key(), i % 3 == 0 ? Optional.empty() : Optional.of(was));
            target.put(was.key(), i % 5 == 0 ? Optional.empty() : Optional.of(res("net.k" + i, "new\n" + i)));
        }
        new Records(dir).begin(new Records.Journal(before, target));
        assertThat(Files.readAllLines(dir.resolve(Records.LOG))).hasSize(1);
        Records.Journal j = new Records(dir).unfinished().orElseThrow();
        assertThat(j.before()).isEqualTo(before);
        assertThat(j.target()).isEqualTo(target);
    }

    @Test
    void aLineHalfWrittenByACrashIsCutOffAndWritingGoesOn() throws Exception {
        Records w = new Records(dir);
        w.saveAll(List.of(record("a", "1")));
        Files.writeString(dir.resolve(Records.LOG), "{\"commit\":{\"a\":{\"pers", StandardOpenOption.APPEND);
        Records r = new Records(dir);
        assertThat(r.load("a").orElseThrow().document()).isEqualTo("{\"doc\":\"1\"}");
        r.saveAll(List.of(record("b", "1")));
        assertThat(new Records(dir).all()).extracting(Records.Record::persona).containsExactly("a", "b");
    }

    @Test
    void aDamagedLineIsAnErrorNamingTheFileAndLine() throws Exception {
        new Records(dir).saveAll(List.of(record("a", "1")));
        Files.writeString(dir.resolve(Records.LOG), "{\"what\":1}\n", StandardOpenOption.APPEND);
        assertThatThrownBy(() -> new Records(dir).all()).isInstanceOf(SubstrateException.class)
                .hasMessageContaining(Records.LOG + ", line 2");
    }

    @Test
    void aLogHoldingMostlyWhatItHoldsIsNotWrittenAnew() throws Exception {
        String big = "y".repeat(1200);
        List<Records.Record> many = new java.util.ArrayList<>();
        List<Records.Record> none = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(record("p" + i, big + i));
            none.add(new Records.Record("p" + i, 0, Map.of(), null));
        }
        Records w = new Records(dir);
        w.saveAll(many);
        w.saveAll(none); // a megabyte of log holding nothing: written anew
        Path log = dir.resolve(Records.LOG);
        Object compacted = Files.readAttributes(log, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        assertThat(Files.size(log)).isLessThan(100_000);
        w.saveAll(many); // what the log holds now is what it is: not written anew
        assertThat(Files.readAttributes(log, java.nio.file.attribute.BasicFileAttributes.class).fileKey()).isEqualTo(compacted);
        assertThat(Files.readAllLines(log)).hasSize(2);
        assertThat(new Records(dir).all()).hasSize(1000);
    }

    @Test
    void aLogManyTimesLargerThanWhatItHoldsIsWrittenAnew() throws Exception {
        Records w = new Records(dir);
        String big = "x".repeat(4000);
        for (int i = 0; i < 400; i++) {
            w.saveAll(List.of(record("a", big + i)));
        }
        long size = Files.size(dir.resolve(Records.LOG));
        assertThat(size).as("400 commits of 4 KB would be 1.6 MB").isLessThan(1_200_000);
        assertThat(new Records(dir).load("a").orElseThrow().document()).endsWith("399\"}");
    }
}
