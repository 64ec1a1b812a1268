package io.netpersona.lab;

import io.netpersona.model.Durations;
import io.netpersona.model.Problem;
import io.netpersona.model.Rate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code persona lab up} builds: the name prefix that every namespace and device of the lab shares,
 * where its state files live, how many client hosts, and each site's uplink and path. Valid by
 * construction: the constructor refuses a configuration with every problem listed
 * ({@link InvalidLabConfigException}); {@link #builder()} starts from the defaults.
 */
public record LabConfig(String prefix, Path stateDir, int clients, SiteConfig siteA, SiteConfig siteB) {
    public static final String DEFAULT_PREFIX = "npl-";
    /** Under /run: emptied on reboot, together with the namespaces it describes. */
    public static final Path DEFAULT_STATE = Path.of("/run/netpersona/lab");

    /** The default lab's files are in /run/netpersona/lab; a lab with another prefix P- keeps its own in /run/netpersona/lab-P. */
    public static Path defaultStateDir(String prefix) {
        return prefix == null || prefix.equals(DEFAULT_PREFIX) || prefix.length() < 2 ? DEFAULT_STATE
                : DEFAULT_STATE.resolveSibling("lab-" + prefix.substring(0, prefix.length() - 1));
    }
    public static final Rate DEFAULT_RATE = Rate.mbit(20);
    /** The applications of site-a; site-b starts empty, a host ready to receive migrated applications. */
    public static final List<String> DEFAULT_APPS_A = List.of("arena", "video", "db", "web", "backup");

    static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,4}-");
    static final Pattern APP = Pattern.compile("[a-z][a-z0-9]{0,6}");
    static final Rate MIN_RATE = Rate.mbit(1);
    static final Rate MAX_RATE = Rate.parse("1Gbit");
    static final Duration MAX_DELAY = Duration.ofSeconds(1);
    static final int MIN_MTU = 576, MAX_MTU = 1500, MAX_APPS = 40, MAX_CLIENTS = 8;

    /**
     * One site: its uplink's capacity (the bottleneck, in both directions), the one-way base delay and
     * the loss (percent, per direction) of the path between the router and the site, the MTU of that path,
     * and the applications behind its host (short names; each gets the namespace {@code PREFIX<site>-<app>}).
     */
    public record SiteConfig(Rate rate, Duration delay, double lossPercent, int mtu, List<String> apps) {
        public SiteConfig {
            apps = List.copyOf(apps);
        }

        public SiteConfig withRate(Rate r) {
            return new SiteConfig(r, delay, lossPercent, mtu, apps);
        }

        public SiteConfig withDelay(Duration d) {
            return new SiteConfig(rate, d, lossPercent, mtu, apps);
        }

        public SiteConfig withLoss(double pct) {
            return new SiteConfig(rate, delay, pct, mtu, apps);
        }

        public SiteConfig withMtu(int m) {
            return new SiteConfig(rate, delay, lossPercent, m, apps);
        }

        public SiteConfig withApp(String app) {
            List<String> more = new ArrayList<>(apps);
            more.add(app);
            return new SiteConfig(rate, delay, lossPercent, mtu, more);
        }
    }

    public LabConfig {
        List<Problem> problems = new ArrayList<>();
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            problems.add(new Problem("prefix", prefix + " (expected: 2-6 characters: a lowercase letter, up to 4 "
                    + "lowercase letters or digits, then '-', such as npl-)"));
        }
        if (stateDir == null || !stateDir.isAbsolute()) {
            problems.add(new Problem("state-dir", stateDir + " (expected: an absolute path)"));
        }
        if (clients < 1 || clients > MAX_CLIENTS) {
            problems.add(new Problem("clients", clients + " (expected: 1.." + MAX_CLIENTS + ")"));
        }
        check(Site.A, siteA, problems);
        check(Site.B, siteB, problems);
        if (!problems.isEmpty()) {
            throw new InvalidLabConfigException(problems);
        }
    }

    private static void check(Site site, SiteConfig s, List<Problem> problems) {
        String l = site.letter();
        if (s == null) {
            problems.add(new Problem(site.label(), "missing"));
            return;
        }
        if (s.rate() == null || s.rate().compareTo(MIN_RATE) < 0 || s.rate().compareTo(MAX_RATE) > 0) {
            problems.add(new Problem("rate-" + l, s.rate() + " (expected: " + MIN_RATE + ".." + MAX_RATE + ")"));
        }
        if (s.delay() == null || s.delay().isNegative() || s.delay().compareTo(MAX_DELAY) > 0) {
            problems.add(new Problem("delay-" + l, (s.delay() == null ? "null" : Durations.format(s.delay()))
                    + " (expected: 0ms.." + Durations.format(MAX_DELAY) + ", one way)"));
        }
        double loss = s.lossPercent();
        if (!(loss >= 0 && loss <= 100) || Math.abs(loss * 10 - Math.rint(loss * 10)) > 1e-9) {
            problems.add(new Problem("loss-" + l, loss + " (expected: a percentage 0..100 with at most one decimal, such as 3 or 0.5)"));
        }
        if (s.mtu() < MIN_MTU || s.mtu() > MAX_MTU) {
            problems.add(new Problem("mtu-" + l, s.mtu() + " (expected: " + MIN_MTU + ".." + MAX_MTU + ")"));
        }
        if (s.apps().size() > MAX_APPS) {
            problems.add(new Problem("apps-" + l, s.apps().size() + " applications (expected: at most " + MAX_APPS + ")"));
        }
        Set<String> seen = new HashSet<>();
        for (String app : s.apps()) {
            if (app == null || !APP.matcher(app).matches()) {
                problems.add(new Problem("apps-" + l, app + " (expected: an application name of 1-7 lowercase "
                        + "letters or digits, starting with a letter, such as arena)"));
            } else if (!seen.add(app)) {
                problems.add(new Problem("apps-" + l, app + " (expected: each application once)"));
            }
        }
    }

    public SiteConfig site(Site s) {
        return s == Site.A ? siteA : siteB;
    }

    public LabConfig with(Site s, SiteConfig c) {
        return s == Site.A ? new LabConfig(prefix, stateDir, clients, c, siteB) : new LabConfig(prefix, stateDir, clients, siteA, c);
    }

    public static LabConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts from the defaults: prefix npl-, 2 clients, 20Mbit uplinks, site-a 20ms with the five applications, site-b 40ms and MTU 1400. */
    public static final class Builder {
        private String prefix = DEFAULT_PREFIX;
        private Path stateDir;
        private int clients = 2;
        private SiteConfig a = new SiteConfig(DEFAULT_RATE, Duration.ofMillis(20), 0, 1500, DEFAULT_APPS_A);
        private SiteConfig b = new SiteConfig(DEFAULT_RATE, Duration.ofMillis(40), 0, 1400, List.of());

        public Builder prefix(String p) {
            prefix = p;
            return this;
        }

        public Builder clients(int n) {
            clients = n;
            return this;
        }

        /** Where the lab keeps its files; by default {@link #defaultStateDir} of the prefix. */
        public Builder stateDir(Path d) {
            stateDir = d;
            return this;
        }

        /** The capacity of both sites' uplinks. */
        public Builder rate(Rate r) {
            a = a.withRate(r);
            b = b.withRate(r);
            return this;
        }

        public Builder rate(Site s, Rate r) {
            return site(s, site(s).withRate(r));
        }

        public Builder delay(Site s, Duration d) {
            return site(s, site(s).withDelay(d));
        }

        public Builder loss(Site s, double pct) {
            return site(s, site(s).withLoss(pct));
        }

        public Builder mtu(Site s, int mtu) {
            return site(s, site(s).withMtu(mtu));
        }

        public Builder apps(Site s, List<String> apps) {
            SiteConfig c = site(s);
            return site(s, new SiteConfig(c.rate(), c.delay(), c.lossPercent(), c.mtu(), apps));
        }

        private SiteConfig site(Site s) {
            return s == Site.A ? a : b;
        }

        private Builder site(Site s, SiteConfig c) {
            if (s == Site.A) {
                a = c;
            } else {
                b = c;
            }
            return this;
        }

        public LabConfig build() {
            return new LabConfig(prefix, stateDir == null ? defaultStateDir(prefix) : stateDir, clients, a, b);
        }
    }
}
