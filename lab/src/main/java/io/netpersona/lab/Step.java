package io.netpersona.lab;

import java.util.ArrayList;
import java.util.List;

/** One process the lab runs: what it is for (said in errors), its argument list (never a shell) and its input. */
record Step(String what, List<String> argv, String stdin) {
    Step {
        argv = List.copyOf(argv);
    }

    /** {@code ip -batch -} in a namespace ("" is the machine's own), one line per command. */
    static Step ip(String what, String ns, List<String> lines) {
        List<String> argv = new ArrayList<>(List.of("ip"));
        if (!ns.isEmpty()) {
            argv.addAll(List.of("-n", ns));
        }
        argv.addAll(List.of("-batch", "-"));
        return new Step(what, argv, String.join("\n", lines) + "\n");
    }

    static Step tc(String what, String ns, List<String> lines) {
        return new Step(what, List.of("tc", "-n", ns, "-batch", "-"), String.join("\n", lines) + "\n");
    }

    static Step nft(String what, String ns, String script) {
        return new Step(what, List.of("ip", "netns", "exec", ns, "nft", "-f", "-"), script);
    }

    static Step exec(String what, String ns, String... argv) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(argv));
        return new Step(what, full, null);
    }
}
