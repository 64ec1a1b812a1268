package io.netpersona.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code persona flows} against Debian's {@code ndpiReader} on the same large capture, from one run: each
 * as a separate process, timed whole (a JVM's start included), with its peak resident memory, and the
 * ratio of packets per second. The capture (see {@link BigCapture}) is read once beforehand so that both
 * find it in the page cache.
 */
public final class FlowsBenchmark {
    private FlowsBenchmark() {
    }

    /** @param cpuSeconds user and system time of the process: what a busy machine distorts least */
    record Result(String name, double seconds, double cpuSeconds, long peakRssKiB, int exit, String err) {
        double pps(long packets) {
            return packets / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("netpersona.root", ".")).toAbsolutePath().normalize();
        long size = 2L << 30;
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "netpersona", "bench");
        Path data = root.resolveSibling("shared").resolve("data").resolve("ndpi-train");
        Path jar = root.resolve("cli/target/persona.jar");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String ndpi = "ndpiReader";
        // the options ./persona gives 'persona flows' (scripts/java-opts.sh), handed over by bench/run
        String launcherOpts = System.getProperty("netpersona.bench.javaOpts");
        List<String> javaOpts = launcherOpts == null || launcherOpts.isBlank() ? null : List.of(launcherOpts.trim().split("\\s+"));
        int repeat = 1;
        boolean aot = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = bytes(args[++i]);
                case "--cache" -> cache = Path.of(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]);
                case "--ndpi" -> ndpi = args[++i];
                case "--java-opts" -> javaOpts = args[++i].isBlank() ? List.of() : List.of(args[i].trim().split("\\s+"));
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--no-aot" -> aot = false;
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: bench/run flows [--size 2G] [--cache DIR] [--data DIR] [--repeat N]
                                                   [--java-opts "..."] [--ndpi PATH] [--no-aot]
                            Builds (once, into DIR, default ~/.cache/netpersona/bench) an Ethernet pcap of SIZE from
                            the shared captures, then runs 'persona flows -o csv' (the shaded jar, a JVM of its own)
                            and 'ndpiReader -q -i' on it, and prints packets per second of each, their ratio, and
                            the peak RSS of each. Needs ndpiReader (Debian: apt-get install libndpi-bin).
                            Also timed, as the floor under any JVM tool: a JVM that only reads the file, one
                            that also walks its pcap records, and one that walks them from a mapping of the
                            whole file, dropping pages behind it (ReadFloor), with the same JVM options (but C2's
                            on-stack replacement at the JVM's default loop count: a floor is one loop); and the
                            flows floor (FlowsFloor): the least per-packet work of 'persona flows' (headers decoded,
                            a flow table of longs), on two threads and on one; and the flows floor with ends and
                            rows (FlowEndsFloor): the same, and persona's flow ends and one CSV row per flow (RTT,
                            retransmission and name columns left empty) written to /dev/null, its flow count checked
                            against persona's (counted once in this JVM, untimed, and kept beside the capture).
                            persona runs with the JVM's AOT cache next to the jar (cli/target/persona.aot), as the
                            ./persona launcher does when it is there; the benchmark makes it first (untimed) from a
                            training run on a 64 MB capture of its own, unless --no-aot. The two flows floors get
                            caches of their own the same way (bench/target/flows-floor.aot, ends-floor.aot).""");
                    return;
                }
                default -> {
                    System.err.println("bench: unknown argument " + args[i] + " (see --help)");
                    System.exit(2);
                }
            }
        }
        if (javaOpts == null) {
            System.err.println("bench: no JVM options for persona flows: run it through bench/run flows, which passes the ones"
                    + " ./persona gives (scripts/java-opts.sh), or give --java-opts \"...\"");
            System.exit(1);
        }
        if (!Files.isRegularFile(jar)) {
            System.err.println("bench: " + jar + " is missing (build it: ./mvnw -pl cli -am package)");
            System.exit(1);
        }
        if (!onPath(ndpi)) {
            System.err.println("bench: " + ndpi + " is not installed (Debian: apt-get install libndpi-bin)");
            System.exit(1);
        }
        if (!Files.isDirectory(data.resolve("pcap"))) {
            System.err.println("bench: the shared captures are not at " + data + " (give --data DIR)");
            System.exit(1);
        }
        BigCapture.Built capture = BigCapture.obtain(data, cache, size);
        System.out.printf(Locale.ROOT, "capture: %,d packets, %.2f GB, from %d captures%n", capture.packets(),
                capture.bytes() / 1e9, capture.sourceFiles());
        warm(capture.file());

        List<String> persona = new ArrayList<>(List.of(java));
        persona.addAll(javaOpts);
        if (aot) {
            persona.addAll(AotCache.options(AotCache.obtain(java, javaOpts, jar, data, cache)));
        }
        persona.addAll(List.of("-jar", jar.toString(), "flows", "-o", "csv", capture.file().toString()));
        List<String> ndpiReader = List.of(ndpi, "-q", "-i", capture.file().toString());
        System.out.println("persona:    " + String.join(" ", persona) + " > /dev/null");
        System.out.println("ndpiReader: " + String.join(" ", ndpiReader) + " > /dev/null");
        // the floor: a JVM that only reads the file, or also walks its records, with the same options
        // each floor is one loop over the file, which C2 reaches only by on-stack replacement: without the launcher's
        // Tier4BackEdgeThreshold, which would keep it in C1's code for the whole file (0.6 -> 1.0 s for two threads)
        List<String> floorOpts = javaOpts.stream().filter(o -> !o.startsWith("-XX:Tier4BackEdgeThreshold=")).toList();
        List<String> floor = new ArrayList<>(List.of(java));
        floor.addAll(floorOpts);
        floor.addAll(List.of("-cp", System.getProperty("java.class.path"), ReadFloor.class.getName()));
        List<String> readOnly = new ArrayList<>(floor);
        readOnly.addAll(List.of("read", capture.file().toString()));
        List<String> recordsOnly = new ArrayList<>(floor);
        recordsOnly.addAll(List.of("records", capture.file().toString()));
        // the same walk from one mapping of the whole file (madvise drops the pages behind it): reading with no copy
        List<String> mappedOnly = new ArrayList<>(List.of(java));
        mappedOnly.addAll(floorOpts);
        mappedOnly.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ReadFloor.class.getName(), "mapped", capture.file().toString()));
        // the flows floors get an AOT cache of their own, made the way persona's is (unless --no-aot), so that they pay
        // for the JVM's start and warm-up no more than persona does
        String classPath = System.getProperty("java.class.path");
        List<String> flowsFloorJvm = new ArrayList<>(floor.subList(0, floor.size() - 3));
        List<String> endsFloorJvm = new ArrayList<>(flowsFloorJvm);
        if (aot) {
            Path benchJar = Path.of(classPath).toAbsolutePath();
            flowsFloorJvm.addAll(AotCache.options(AotCache.obtain(java, floorOpts, List.of("-cp", classPath,
                    FlowsFloor.class.getName(), "--threads", "2"), benchJar, benchJar.resolveSibling("flows-floor.aot"), data,
                    cache)));
            endsFloorJvm.addAll(AotCache.options(AotCache.obtain(java, floorOpts, List.of("-cp", classPath,
                    FlowEndsFloor.class.getName(), "--threads", "2", "-o", "/dev/null"), benchJar,
                    benchJar.resolveSibling("ends-floor.aot"), data, cache)));
        }
        // the least flow work: read, walk, decode the headers, a flow table of longs (FlowsFloor), on two threads and one
        List<String> flowsFloor = new ArrayList<>(flowsFloorJvm);
        flowsFloor.addAll(List.of("-cp", classPath, FlowsFloor.class.getName(), "--threads", "2", capture.file().toString()));
        List<String> flowsFloorOne = new ArrayList<>(flowsFloor);
        flowsFloorOne.set(flowsFloorOne.size() - 2, "1");
        System.out.println("flows floor: " + String.join(" ", flowsFloor));
        // the floor that also ends flows as persona does and writes a row per flow, to /dev/null like persona's output
        List<String> endsFloor = new ArrayList<>(endsFloorJvm);
        endsFloor.addAll(List.of("-cp", classPath, FlowEndsFloor.class.getName(), "--threads", "2", "-o", "/dev/null",
                capture.file().toString()));
        List<String> endsFloorOne = new ArrayList<>(endsFloor);
        endsFloorOne.set(endsFloorOne.indexOf("--threads") + 1, "1");
        System.out.println("flows floor with ends and rows: " + String.join(" ", endsFloor));
        long personaFlows = personaFlows(capture.file(), cache);
        Result bestEnds = null, bestEndsOne = null;
        Result best = null, bestNdpi = null, bestRead = null, bestRecords = null, bestMapped = null, bestFloor = null,
                bestFloorOne = null;
        // other work on the machine slows both tools, not always alike: the load says how far to trust a run
        String loadBefore = load();
        for (int r = 0; r < repeat; r++) {
            Result p = Measured.run("persona flows", persona);
            Result n = Measured.run("ndpiReader", ndpiReader);
            Result read = Measured.run("floor: read", readOnly);
            Result records = Measured.run("floor: records", recordsOnly);
            Result mapped = Measured.run("floor: mapped", mappedOnly);
            Result flowsFloor2 = Measured.run("flows floor 2T", flowsFloor);
            Result flowsFloor1 = Measured.run("flows floor 1T", flowsFloorOne);
            Result ends2 = Measured.run("ends+rows 2T", endsFloor);
            Result ends1 = Measured.run("ends+rows 1T", endsFloorOne);
            report(p, capture.packets());
            report(n, capture.packets());
            report(read, capture.packets());
            report(records, capture.packets());
            report(mapped, capture.packets());
            report(flowsFloor2, capture.packets());
            report(flowsFloor1, capture.packets());
            report(ends2, capture.packets());
            report(ends1, capture.packets());
            bestEnds = bestEnds == null || ends2.seconds() < bestEnds.seconds() ? ends2 : bestEnds;
            bestEndsOne = bestEndsOne == null || ends1.seconds() < bestEndsOne.seconds() ? ends1 : bestEndsOne;
            bestFloor = bestFloor == null || flowsFloor2.seconds() < bestFloor.seconds() ? flowsFloor2 : bestFloor;
            bestFloorOne = bestFloorOne == null || flowsFloor1.seconds() < bestFloorOne.seconds() ? flowsFloor1 : bestFloorOne;
            bestRead = bestRead == null || read.seconds() < bestRead.seconds() ? read : bestRead;
            bestRecords = bestRecords == null || records.seconds() < bestRecords.seconds() ? records : bestRecords;
            bestMapped = bestMapped == null || mapped.seconds() < bestMapped.seconds() ? mapped : bestMapped;
            best = best == null || p.seconds() < best.seconds() ? p : best;
            bestNdpi = bestNdpi == null || n.seconds() < bestNdpi.seconds() ? n : bestNdpi;
        }
        System.out.printf(Locale.ROOT, "%nratio: persona flows reads %.2fx the packets per second of ndpiReader "
                + "(target: 3x); peak RSS %,d KiB against %,d KiB%n", best.pps(capture.packets()) / bestNdpi.pps(capture.packets()),
                best.peakRssKiB(), bestNdpi.peakRssKiB());
        // a crowded machine gives our several threads more of itself than ndpiReader's one: CPU time says what
        // each tool costs, and bounds the ratio quiet cores could give (ndpiReader's one thread needs about its CPU
        // time, persona at least its CPU time spread over every core)
        int cores = Runtime.getRuntime().availableProcessors();
        double cpu = best.cpuSeconds(), ndpiCpu = bestNdpi.cpuSeconds();
        System.out.printf(Locale.ROOT, "CPU of those runs: persona flows %.2f s, ndpiReader %.2f s; on %d quiet cores the "
                + "ratio could be at most %.2fx%n", cpu, ndpiCpu, cores, ndpiCpu / (cpu / cores));
        System.out.printf(Locale.ROOT, "floor: a JVM that only reads the file reaches %.2fx ndpiReader's packets per second, "
                + "one that also walks the records %.2fx (CPU %.2f s), one that walks them from a mapping of the whole file "
                + "%.2fx (CPU %.2f s, peak RSS %,d KiB)%n", bestRead.pps(capture.packets()) / bestNdpi.pps(capture.packets()),
                bestRecords.pps(capture.packets()) / bestNdpi.pps(capture.packets()), bestRecords.cpuSeconds(),
                bestMapped.pps(capture.packets()) / bestNdpi.pps(capture.packets()), bestMapped.cpuSeconds(),
                bestMapped.peakRssKiB());
        double ndpiPps = bestNdpi.pps(capture.packets());
        System.out.printf(Locale.ROOT, "FLOWS FLOOR (a lower bound for persona flows, not a replacement: it reads, walks the "
                + "records, decodes the link/IP/TCP/UDP headers and counts each direction's packets, bytes and times in a flow "
                + "table of longs; no names, TCP state, distributions, idle ends or output): on 2 threads %.2fx ndpiReader's "
                + "packets per second (%.2f s, CPU %.2f s, peak RSS %,d KiB), on 1 thread %.2fx (%.2f s, CPU %.2f s); it counted: "
                + "%s%n", bestFloor.pps(capture.packets()) / ndpiPps, bestFloor.seconds(), bestFloor.cpuSeconds(),
                bestFloor.peakRssKiB(), bestFloorOne.pps(capture.packets()) / ndpiPps, bestFloorOne.seconds(),
                bestFloorOne.cpuSeconds(), bestFloor.err().strip());
        System.out.printf(Locale.ROOT, "FLOWS FLOOR WITH ENDS AND ROWS (also persona's idle, TCP-closed and new-connection "
                + "ends and one CSV row per flow to /dev/null; RTT, retransmission and name columns left empty, tunnels not "
                + "looked into): on 2 threads %.2fx ndpiReader's packets per second (%.2f s, CPU %.2f s, peak RSS %,d KiB), "
                + "on 1 thread %.2fx (%.2f s, CPU %.2f s); it counted: %s; persona flows' flows: %d (the floor's outer "
                + "packets of tunnels make one flow where persona makes the inner ones)%n",
                bestEnds.pps(capture.packets()) / ndpiPps, bestEnds.seconds(), bestEnds.cpuSeconds(), bestEnds.peakRssKiB(),
                bestEndsOne.pps(capture.packets()) / ndpiPps, bestEndsOne.seconds(), bestEndsOne.cpuSeconds(),
                bestEnds.err().strip(), personaFlows);
        System.out.printf(Locale.ROOT, "load average (1, 5, 15 min) before: %s, after: %s, on %d cores%n", loadBefore, load(),
                Runtime.getRuntime().availableProcessors());
        if (best.exit() != 0 || bestNdpi.exit() != 0) {
            System.exit(1);
        }
    }

    /**
     * The flows persona flows -o csv lists for the capture (its meter's options: ARP included, no first packets or
     * distributions), counted in this JVM once and kept beside the capture: untimed, for the floors' counts.
     */
    private static long personaFlows(Path capture, Path cache) throws IOException {
        Path kept = cache.resolve(capture.getFileName() + ".flows");
        if (Files.isRegularFile(kept)) {
            return Long.parseLong(Files.readString(kept).trim());
        }
        long[] flows = {0};
        io.netpersona.learn.Flows.read(capture, io.netpersona.learn.FlowMeter.Options.DEFAULTS.withArp(true)
                .withDetail(0, false), f -> flows[0]++, io.netpersona.learn.Flows.Progress.NONE);
        Files.writeString(kept, flows[0] + "\n");
        return flows[0];
    }

    /** The load averages, or "unknown" where /proc/loadavg is not. */
    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void report(Result r, long packets) {
        System.out.printf(Locale.ROOT, "%-14s %7.2f s  %6.2f M packets/s  CPU %5.2f s  peak RSS %,9d KiB  exit %d%n",
                r.name(), r.seconds(), r.pps(packets) / 1e6, r.cpuSeconds(), r.peakRssKiB(), r.exit());
        if (r.exit() != 0) {
            System.out.println("  stderr: " + r.err().strip());
        }
    }

    private static boolean onPath(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Reads the file once, so that neither tool pays for the disk. */
    private static void warm(Path file) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(8 << 20);
            while (ch.read(b) >= 0) {
                b.clear();
            }
        }
    }

    static long bytes(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("G")) {
            unit = 1L << 30;
        } else if (t.endsWith("M")) {
            unit = 1L << 20;
        }
        if (unit > 1) {
            t = t.substring(0, t.length() - 1);
        }
        return (long) (Double.parseDouble(t) * unit);
    }
}
