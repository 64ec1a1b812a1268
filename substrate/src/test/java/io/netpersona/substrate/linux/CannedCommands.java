package io.netpersona.substrate.linux;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Commands that answer from canned output (keyed by the command line) and fail for anything else. */
final class CannedCommands extends Commands {
    private final Map<String, String> answers = new HashMap<>();
    final List<String> asked = new ArrayList<>();

    CannedCommands answer(List<String> argv, String stdout) {
        answers.put(String.join(" ", argv), stdout);
        return this;
    }

    /** Canned answers stand for the kernel: nothing is read from the real one over netlink. */
    @Override
    java.util.Optional<io.netpersona.substrate.linux.netlink.NetlinkReader> netlink() {
        return java.util.Optional.empty();
    }

    @Override
    public Result run(List<String> argv, String stdin) {
        String line = String.join(" ", argv);
        asked.add(line);
        String out = answers.get(line);
        return out == null ? new Result(argv, 1, "", "not canned: " + line) : new Result(argv, 0, out, "");
    }
}
