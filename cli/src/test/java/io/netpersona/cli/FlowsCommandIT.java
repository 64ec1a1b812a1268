package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** persona flows through the packaged jar, as a separate process. */
class FlowsCommandIT {
    @Test
    void flowsOfSeveralCapturesAsCsv() throws Exception {
        String java = java();
        Processes.Run r = Processes.run(Processes.root(), Map.of(), null, List.of(java, "-jar",
                System.getProperty("persona.jar"), "flows", "-o", "csv", "--progress",
                FlowsCommandTest.capture("anydesk.pcapng").toString(), FlowsCommandTest.capture("dlt_ppp.pcap").toString()));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> rows = r.out().lines().toList();
        assertThat(rows.getFirst()).startsWith("capture,l4,");
        assertThat(rows).anyMatch(l -> l.startsWith("anydesk.pcapng,TCP,")).anyMatch(l -> l.startsWith("dlt_ppp.pcap,"));
        Processes.Run missing = Processes.run(Processes.root(), Map.of(), null, List.of(java, "-jar",
                System.getProperty("persona.jar"), "flows", "no-such.pcap"));
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("persona: no-such.pcap: no such file\n");
    }

    /** The JDK that runs the tests is a JDK 25, as the jar needs. */
    private static String java() {
        return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
