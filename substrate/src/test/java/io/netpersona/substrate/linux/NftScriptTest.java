package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One nft transaction for many steps: each set's elements in one command, in an order nft accepts. */
class NftScriptTest {
    static Step step(String id) {
        return new Step.Create(new Resource("nft-host-entries", "h", id, Map.of()));
    }

    static Batches.Batch batch(List<Step> steps, List<String> scripts) {
        return new Batches.Batch(Batches.Tool.NFT, "h", new ArrayList<>(scripts), new ArrayList<>(steps), null);
    }

    @Test
    void elementsOfManyStepsGoInOneCommandPerSetAfterTheObjectsTheyUse() {
        Step a = step("a p10_");
        Step b = step("b p11_");
        Batches.Batch batch = batch(List.of(a, b), List.of(
                "delete element inet netpersona fw_rx4 { 10.0.0.9 }\nadd chain inet netpersona p10_log\nadd element inet netpersona fw_rx4 { 10.0.0.1 }\nadd element inet netpersona fw_log4 { 10.0.0.1 : jump p10_log }",
                "delete element inet netpersona fw_rx4 { 10.0.0.8 }\nadd chain inet netpersona p11_log\nadd element inet netpersona fw_rx4 { 10.0.0.2 }"));
        NftScript s = NftScript.grouped(batch);
        assertThat(s.text().lines().toList()).containsExactly(
                "delete element inet netpersona fw_rx4 { 10.0.0.9, 10.0.0.8 }",
                "add chain inet netpersona p10_log",
                "add chain inet netpersona p11_log",
                "add element inet netpersona fw_rx4 { 10.0.0.1, 10.0.0.2 }",
                "add element inet netpersona fw_log4 { 10.0.0.1 : jump p10_log }");
        assertThat(s.origins("/dev/stdin:4:30-35: Error: Could not process rule")).containsExactly(a, b);
        assertThat(s.origins("/dev/stdin:3:1-3: Error")).containsExactly(b);
        assertThat(s.origins("no line named")).isEmpty();
    }

    @Test
    void plainKeepsEveryLineWithItsStep() {
        Step a = step("a p10_");
        Step b = step("b p11_");
        NftScript s = NftScript.plain(batch(List.of(a, b), List.of("add element inet netpersona fw_rx4 { 10.0.0.1 }",
                "add element inet netpersona fw_rx4 { 10.0.0.2 }\nadd element inet netpersona fw_tx4 { 10.0.0.2 }")));
        assertThat(s.text().lines()).hasSize(3);
        assertThat(s.origins("/dev/stdin:3:1-3: Error")).containsExactly(b);
        assertThat(s.origins("/dev/stdin:1:1-3: Error")).containsExactly(a);
    }

    @Test
    void anElementCommandIsFoundAsTheRegularExpressionFindsIt() {
        java.util.regex.Pattern re = java.util.regex.Pattern.compile("(add|delete) element (\\S+ \\S+ \\S+) \\{ (.*) }");
        for (String line : List.of("add element inet netpersona fw_rx4 { 10.0.0.1, 10.0.0.2 }",
                "delete element inet netpersona qos_prio4 { 10.0.0.1 }",
                "add element inet netpersona fw_log4 { 10.0.0.1 : jump p10_log }",
                "add element inet netpersona fw_rx4 {  }",
                "add element inet  netpersona fw_rx4 { 10.0.0.1 }",
                "add element inet netpersona fw_rx4 {10.0.0.1 }",
                "add element inet netpersona fw_rx4 { 10.0.0.1 } ",
                "add element inet netpersona { 10.0.0.1 }",
                "add chain inet netpersona p10_log",
                "flush element inet netpersona fw_rx4 { 10.0.0.1 }")) {
            java.util.regex.Matcher m = re.matcher(line);
            String[] found = NftScript.element(line);
            if (m.matches()) {
                assertThat(found).as(line).containsExactly(m.group(1), m.group(2), m.group(3));
            } else {
                assertThat(found).as(line).isNull();
            }
        }
    }
}
