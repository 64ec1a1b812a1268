package io.netpersona.lab;

import io.netpersona.model.Rate;
import io.netpersona.substrate.linux.Commands;
import io.netpersona.substrate.linux.HostPicture;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lab: a small real network of namespaces on this machine (DESIGN.md, "The lab"). A router with
 * client hosts behind it; two sites, each a host with applications in their own namespaces behind a
 * bridge, reached through a "wire" whose queues are the bottleneck (tbf at the uplink's rate over a
 * 1000-packet FIFO, like an untuned device), so that the host's own uplink egress and ingress stay free
 * for the personas' queues; per path, a base delay (through a TUN delay element, a process of its own),
 * a loss and an MTU. See {@link LabLayout} for the names and addresses.
 *
 * <p>{@link #up} first removes whatever an earlier lab of the same prefix left (also after a crash), then
 * builds; if building fails or is interrupted (Ctrl-C), it removes what it built. Needs root. Not
 * thread-safe across processes: one {@code up} at a time per prefix.
 */
public final class Lab {
    private final Commands commands;
    private final LabFiles files;
    private LabLayout layout;
    private final long elementPid;
    private long generation = 1;

    private Lab(Commands commands, LabConfig config, long elementPid) {
        this.commands = commands;
        this.files = new LabFiles(config.stateDir());
        this.layout = new LabLayout(config);
        this.elementPid = elementPid;
    }

    /** Builds the lab described by {@code config}, after removing any leftovers of one with the same prefix or state folder. */
    public static Lab up(LabConfig config) {
        return up(config, new Commands());
    }

    static Lab up(LabConfig config, Commands commands) {
        Privileges.requireRoot("lab up");
        LabFiles files = new LabFiles(config.stateDir());
        Cleaner cleaner = new Cleaner(commands);
        // Ctrl-C runs the hook while this thread goes on building: the hook raises the flag, this thread
        // stops at its next step and removes what it built; the hook waits for that and checks
        ReentrantLock building = new ReentrantLock();
        AtomicBoolean aborted = new AtomicBoolean();
        AtomicBoolean built = new AtomicBoolean();
        Thread undo = new Thread(() -> {
            aborted.set(true);
            building.lock();
            try {
                if (!built.get()) {
                    cleaner.clean(config.prefix(), files);
                }
            } finally {
                building.unlock();
            }
        }, "lab-undo-" + config.prefix());
        Runtime.getRuntime().addShutdownHook(undo);
        building.lock();
        try {
            cleanRecorded(files, cleaner);
            cleaner.clean(config.prefix(), files);
            LabLayout layout = new LabLayout(config);
            for (Step step : LabBuild.steps(layout)) {
                if (aborted.get()) {
                    throw new LabException("interrupted while building the lab; removing what was built");
                }
                run(commands, step);
            }
            files.save(config, OptionalLong.empty());
            files.savePicture(layout);
            files.saveControl(layout, 1);
            long pid = ElementLauncher.start(layout, files, aborted::get);
            files.save(config, OptionalLong.of(pid));
            built.set(true);
            return new Lab(commands, config, pid);
        } finally {
            if (!built.get()) {
                cleaner.clean(config.prefix(), files);
            }
            building.unlock();
            try {
                Runtime.getRuntime().removeShutdownHook(undo);
            } catch (IllegalStateException e) {
                // shutting down already: the hook runs, and finds the work done
            }
        }
    }

    /** @throws LabException saying that {@code persona WHAT} needs root, and why, when this process is not root */
    public static void requireRoot(String what) {
        Privileges.requireRoot(what);
    }

    /** The lab recorded in a state folder, if there is one. */
    public static Optional<Lab> find(Path stateDir) {
        return find(stateDir, new Commands());
    }

    static Optional<Lab> find(Path stateDir, Commands commands) {
        LabFiles files = new LabFiles(stateDir);
        return files.load().map(s -> {
            Lab lab = new Lab(commands, s.config(), s.elementPid().orElse(-1));
            lab.generation = Math.max(1, files.controlGeneration());
            return lab;
        });
    }

    /** Removes the lab with this prefix (and the one recorded in the state folder): namespaces, processes, files. */
    public static String down(Path stateDir, String prefix) {
        Privileges.requireRoot("lab down");
        Commands commands = new Commands();
        LabFiles files = new LabFiles(stateDir);
        Cleaner cleaner = new Cleaner(commands);
        String recorded = cleanRecorded(files, cleaner);
        Cleaner.Removed removed = cleaner.clean(prefix, files);
        return recorded.isEmpty() ? "lab " + prefix + ": " + removed : removed.nothing() ? recorded : recorded + "; lab " + prefix + ": " + removed;
    }

    /** Removes the lab that {@code config} describes (its prefix and state folder). */
    public static String down(LabConfig config) {
        return down(config.stateDir(), config.prefix());
    }

    public String down() {
        return down(files.dir(), layout.prefix());
    }

    /** What exists of the lab with this prefix, read from the kernel. */
    public static LabStatus status(Path stateDir, String prefix) {
        Privileges.requireRoot("lab status");
        return new StatusReader(new Commands()).read(prefix, new LabFiles(stateDir));
    }

    public static LabStatus status(LabConfig config) {
        return status(config.stateDir(), config.prefix());
    }

    public LabStatus status() {
        return new StatusReader(commands).read(layout.prefix(), files);
    }

    /** A state folder may record a lab with another prefix (an earlier run with other options): that one goes too. */
    private static String cleanRecorded(LabFiles files, Cleaner cleaner) {
        try {
            Optional<LabFiles.Saved> saved = files.load();
            if (saved.isPresent()) {
                return "lab " + saved.get().config().prefix() + ": " + cleaner.clean(saved.get().config().prefix(), files);
            }
        } catch (LabException e) {
            // unreadable state: the prefix clean that follows still finds everything by name
        }
        return "";
    }

    // changing a running lab (faults for the stories of later issues); each keeps lab.json up to date

    /** Sets a site's one-way base delay; returns once the delay element applies it. */
    public synchronized void setDelay(Site site, Duration oneWay) {
        change(site, layout.config().site(site).withDelay(oneWay));
        generation++;
        files.saveControl(layout, generation);
        ElementLauncher.awaitGeneration(files, elementPid, generation, Duration.ofSeconds(5), () -> false);
    }

    /** Sets the loss of a site's path, in percent per direction (one decimal). */
    public synchronized void setLoss(Site site, double percent) {
        change(site, layout.config().site(site).withLoss(percent));
        run(commands, Step.nft("set the loss of " + site.label(), layout.router(), LabBuild.lossRules(layout)));
    }

    /** Sets a site's uplink capacity (both directions of its wire). */
    public synchronized void setRate(Site site, Rate rate) {
        change(site, layout.config().site(site).withRate(rate));
        run(commands, Step.tc("set the rate of " + site.label(), layout.wire(site), LabBuild.wireQueues(layout, site, "change")));
        files.savePicture(layout);
    }

    /** Sets the MTU of a site's path (its delay device in the router). */
    public synchronized void setMtu(Site site, int mtu) {
        change(site, layout.config().site(site).withMtu(mtu));
        run(commands, Step.ip("set the MTU of " + site.label(), layout.router(), List.of("link set " + layout.delayDevice(site) + " mtu " + mtu)));
    }

    /** Takes a site's uplink down (a failed link: the wire's port towards the router) or up again. */
    public synchronized void setUplinkUp(Site site, boolean up) {
        run(commands, Step.ip((up ? "restore" : "fail") + " the uplink of " + site.label(), layout.wire(site),
                List.of("link set " + layout.wireToRouter(site) + (up ? " up" : " down"))));
    }

    /** Adds an application namespace behind a site's host (the host picture grows with it); returns its namespace. */
    public synchronized String addApp(Site site, String app) {
        LabConfig before = layout.config();
        change(site, before.site(site).withApp(app));
        String ns = layout.app(site, app);
        try {
            run(commands, Step.ip("create " + ns, "", List.of("netns add " + ns)));
            run(commands, Step.exec("set up " + ns, ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"));
            run(commands, Step.ip("connect " + ns, layout.host(site), LabBuild.appPort(layout, site, app)));
            run(commands, Step.ip("build " + ns, ns, LabBuild.leaf(layout, layout.appAddress(site, app) + "/24", layout.bridgeAddress(site))));
        } catch (LabException e) {
            commands.run(List.of("ip", "netns", "del", ns), null);
            layout = new LabLayout(before);
            files.save(before, OptionalLong.of(elementPid));
            throw e;
        }
        files.savePicture(layout);
        return ns;
    }

    private void change(Site site, LabConfig.SiteConfig c) {
        layout = new LabLayout(layout.config().with(site, c));
        files.save(layout.config(), elementPid < 0 ? OptionalLong.empty() : OptionalLong.of(elementPid));
    }

    // running programs inside the lab

    /** Runs a program in one of the lab's namespaces and waits for it (argument list, no shell; 30 s at most). */
    public Commands.Result exec(String namespace, List<String> argv) {
        return commands.run(inside(namespace, argv), null);
    }

    public Commands.Result exec(String namespace, String... argv) {
        return exec(namespace, List.of(argv));
    }

    /** Starts a program in one of the lab's namespaces (a server, a traffic generator); {@link #down} ends it at the latest. */
    public Process start(String namespace, List<String> argv) {
        try {
            return new ProcessBuilder(inside(namespace, argv)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new LabException("cannot start " + argv + " in " + namespace + ": " + e.getMessage(), e);
        }
    }

    private List<String> inside(String namespace, List<String> argv) {
        if (!layout.namespaces().contains(namespace)) {
            throw new LabException("namespace " + namespace + " (expected: one of the lab's: " + layout.namespaces() + ")");
        }
        if (argv.isEmpty()) {
            throw new LabException("no program to run in " + namespace);
        }
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(argv);
        return full;
    }

    private static void run(Commands commands, Step step) {
        Commands.Result r = commands.run(step.argv(), step.stdin());
        if (!r.ok()) {
            throw new LabException(step.what() + ": " + String.join(" ", step.argv()) + ": " + r.complaint());
        }
    }

    // what the lab is

    public LabLayout layout() {
        return layout;
    }

    public LabConfig config() {
        return layout.config();
    }

    public HostPicture picture() {
        return layout.picture();
    }

    /** Where the lab wrote its {@link HostPicture} ({@code HostPictureCodec.read} loads it). */
    public Path picturePath() {
        return files.path(LabFiles.PICTURE);
    }

    public OptionalLong delayElementPid() {
        return elementPid < 0 ? OptionalLong.empty() : OptionalLong.of(elementPid);
    }
}
