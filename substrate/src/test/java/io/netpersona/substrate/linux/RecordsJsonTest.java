package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.substrate.Resource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The commit line, written in one pass: each record's JSON cut from it is the record's JSON written alone. */
class RecordsJsonTest {
    /** Names and values with quotes, backslashes, control characters and letters of two, three and four bytes in UTF-8. */
    private static Records.Record record(int i) {
        String text = "v\"" + i + "\\ é€𝄞\n\t" + "x".repeat(i % 7 * 300);
        Resource r = new Resource("sysctl", "ns-" + i, "net.é" + i, Map.of("value", text, "b", "€" + i));
        Resource before = new Resource("sysctl", "ns-" + i, "net.é" + i, Map.of("value", "was " + i));
        return new Records.Record("persona-é€𝄞-\"" + i, 0x10 + i,
                Map.of(r.key(), new Records.Entry(r.key(), i % 2 == 0 ? Optional.of(before) : Optional.empty(), Optional.of(r),
                        i % 3 == 0 ? null : "fp\n\n" + text)),
                i % 5 == 0 ? null : "{\"doc\":\"" + text.replace("\"", "\\\"") + "\"}");
    }

    @Test
    void eachValueIsTheRecordsOwnJsonAndTheLineHoldsThemAllInOrder() {
        List<Records.Record> all = new ArrayList<>();
        for (int i = 0; i < 700; i++) { // more than one chunk, written at once
            all.add(i % 11 == 4 ? new Records.Record("gone-" + i, 0, Map.of(), null) : record(i));
        }
        RecordsJson.Commit commit = RecordsJson.commit(all);
        assertThat(commit.values()).hasSize(all.size());
        StringBuilder expected = new StringBuilder("{\"commit\":{");
        for (int i = 0; i < all.size(); i++) {
            Records.Record r = all.get(i);
            String alone = r.entries().isEmpty() ? null : RecordsJson.json(r);
            assertThat(text(commit.values().get(i))).as(r.persona()).isEqualTo(alone);
            expected.append(i > 0 ? "," : "").append(RecordsJson.JSON.writeValueAsString(r.persona())).append(':')
                    .append(alone == null ? "null" : alone);
        }
        expected.append("}}\n");
        assertThat(new String(commit.line(), StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        JsonNode members = RecordsJson.JSON.readTree(commit.line()).get("commit");
        assertThat(members.size()).isEqualTo(all.size());
        for (Records.Record r : all) {
            JsonNode value = members.get(r.persona());
            if (r.entries().isEmpty()) {
                assertThat(value.isNull()).isTrue();
            } else {
                assertThat(RecordsJson.parse(value)).isEqualTo(r);
            }
        }
    }

    @Test
    void fewRecordsAndNoneAreWrittenAlike() {
        assertThat(new String(RecordsJson.commit(List.of()).line(), StandardCharsets.UTF_8)).isEqualTo("{\"commit\":{}}\n");
        RecordsJson.Commit one = RecordsJson.commit(List.of(record(1), new Records.Record("gone", 0, Map.of(), null)));
        assertThat(one.values().stream().map(RecordsJsonTest::text).toList()).containsExactly(RecordsJson.json(record(1)), null);
        assertThat(new String(one.line(), StandardCharsets.UTF_8)).isEqualTo("{\"commit\":{"
                + RecordsJson.JSON.writeValueAsString(record(1).persona()) + ":" + RecordsJson.json(record(1)) + ",\"gone\":null}}\n");
    }

    @Test
    void recordsCopyTheAttributesTheirJournalWroteAndWriteTheSameLine() {
        List<Records.Record> all = new ArrayList<>();
        Map<Resource.Key, Optional<Resource>> before = new java.util.TreeMap<>();
        Map<Resource.Key, Optional<Resource>> target = new java.util.TreeMap<>();
        for (int i = 0; i < 300; i++) {
            Records.Record r = record(i);
            all.add(r);
            if (i % 4 != 3) { // some records' resources the journal did not write: written anew
                r.entries().values().forEach(e -> {
                    before.put(e.key(), e.original());
                    target.put(e.key(), e.applied());
                });
            }
        }
        RecordsJson.Begin begin = RecordsJson.begin(new Records.Journal(before, target));
        assertThat(begin.attributes()).hasSize((int) (before.values().stream().filter(Optional::isPresent).count()
                + target.values().stream().filter(Optional::isPresent).count()));
        JsonNode journal = RecordsJson.JSON.readTree(begin.line());
        assertThat(RecordsJson.journal(journal.get("begin"))).isEqualTo(new Records.Journal(before, target));
        // equal resources that are other objects are written anew too
        List<Records.Record> copies = all.stream().map(r -> RecordsJson.parse(RecordsJson.JSON.readTree(RecordsJson.json(r)))).toList();
        for (List<Records.Record> records : List.of(all, copies)) {
            RecordsJson.Commit copied = RecordsJson.commit(records, begin.attributes());
            RecordsJson.Commit plain = RecordsJson.commit(records);
            assertThat(new String(copied.line(), StandardCharsets.UTF_8)).isEqualTo(new String(plain.line(), StandardCharsets.UTF_8));
            assertThat(copied.values().stream().map(RecordsJsonTest::text).toList())
                    .isEqualTo(plain.values().stream().map(RecordsJsonTest::text).toList());
        }
    }

    /** A value's JSON as text; a slice of the line, which holds exactly those bytes there. */
    private static String text(RecordsJson.Slice value) {
        return value == null ? null : value.text();
    }
}
