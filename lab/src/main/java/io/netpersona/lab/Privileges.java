package io.netpersona.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** The lab creates namespaces, devices and qdiscs, which needs root; say so plainly instead of failing halfway. */
final class Privileges {
    /** Replaceable so that tests can see the refusal while running as root. */
    static Supplier<Boolean> isRoot = Privileges::effectiveUidIsZero;

    private Privileges() {}

    static void requireRoot(String what) {
        if (!isRoot.get()) {
            throw new LabException(what + " needs root: it creates network namespaces, devices and queues "
                    + "(run it as root, for example: sudo ./persona " + what + ")");
        }
    }

    static boolean effectiveUidIsZero() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: then not able to build the lab either
        }
        return false;
    }
}
