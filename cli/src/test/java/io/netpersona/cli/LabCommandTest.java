package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** persona lab's options, checked before anything needs root or a kernel. */
class LabCommandTest {
    @Test
    void everyBadOptionIsNamedWithItsValueAndWhatWasExpected() {
        MainTest.Result r = MainTest.run("lab", "up", "--rate", "20MB", "--delay-a", "5", "--delay-b", "2s", "--loss-a", "x",
                "--loss-b", "3.25", "--mtu-b", "9000", "--apps-a", "arena,Arena", "--clients", "9", "--prefix", "NPL");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(
                "persona: --rate: 20MB (expected: a rate in bits such as 20Mbit (1MB/s is 8Mbit))\n",
                "persona: --delay-a: 5 (expected: a duration such as 10s, 250ms, 2m or 1h)\n",
                "persona: --loss-a: x (expected: a percentage 0..100 such as 3 or 0.5)\n",
                "persona: --prefix: NPL (expected: 2-6 characters",
                "persona: --clients: 9 (expected: 1..8)\n",
                "persona: --apps-a: Arena (expected: an application name of 1-7 lowercase letters or digits",
                "persona: --delay-b: 2s (expected: 0ms..1s, one way)\n",
                "persona: --loss-b: 3.25 (expected: a percentage 0..100 with at most one decimal",
                "persona: --mtu-b: 9000 (expected: 576..1500)\n",
                "Usage: persona lab up");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void oneRateOptionForBothSitesIsNamedOnce() {
        MainTest.Result r = MainTest.run("lab", "up", "--rate", "500kbit");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).containsOnlyOnce("persona: --rate: 500kbit (expected: 1Mbit..1Gbit)");
    }

    @Test
    void helpShowsTheCommandsOptionsAndExamples() {
        MainTest.Result lab = MainTest.run("lab", "--help");
        assertThat(lab.code()).isZero();
        assertThat(lab.out()).contains("up", "down", "status", "Needs", "root (and tcpdump, nft, tc, ip)", "Examples:", "sudo ./persona lab up", "--quick",
                "--out", "sudo ./persona lab --quick", "lab-report.html");
        MainTest.Result up = MainTest.run("lab", "up", "--help");
        assertThat(up.out()).contains("--rate", "--delay-a", "--delay-b", "--loss-a", "--loss-b", "--mtu-b", "--apps-b",
                "--prefix", "--state-dir", "--rate 50Mbit --delay-a 10ms", "Defaults: --rate 20Mbit");
        assertThat(MainTest.run("lab", "status", "--help").out()).contains("-o, --output", "jq .paths");
        assertThat(MainTest.run("--help").out()).contains("lab");
    }

    @Test
    void theStoryRefusesABadPrefixBeforeItTouchesAnything() {
        MainTest.Result r = MainTest.run("lab", "--quick", "--prefix", "NPL", "--out", "/nonexistent/never-created");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("persona: --prefix: NPL (expected: 2-6 characters").contains("Usage: persona lab");
        assertThat(r.out()).isEmpty();
        assertThat(java.nio.file.Path.of("/nonexistent/never-created")).doesNotExist();
    }
}
