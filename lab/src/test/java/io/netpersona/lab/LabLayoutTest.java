package io.netpersona.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.model.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LabLayoutTest {
    /** The longest names the configuration allows: a 6-character prefix, 7-character applications, 8 clients. */
    static final LabLayout LONGEST = new LabLayout(LabConfig.builder().prefix("abcde-").clients(8)
            .apps(Site.A, List.of("abcdefg", "b")).apps(Site.B, List.of("zzzzzzz")).build());
    static final LabLayout DEFAULT = new LabLayout(LabConfig.defaults());

    @Test
    void everyNamespaceAndDeviceIsAValidNameWithThePrefix() {
        for (LabLayout l : List.of(LONGEST, DEFAULT)) {
            assertThat(l.namespaces()).allMatch(Names::isNetns).allMatch(n -> n.startsWith(l.prefix())).doesNotHaveDuplicates();
            List<String> devices = devices(l);
            assertThat(devices).isNotEmpty().allMatch(Names::isInterface, "a valid interface name of at most 15 characters")
                    .allMatch(d -> d.startsWith(l.prefix()));
        }
    }

    /** Every device name the build creates, taken from its own commands. */
    static List<String> devices(LabLayout l) {
        List<String> out = new ArrayList<>();
        Pattern created = Pattern.compile("(?:link add|tuntap add dev) (\\S+)|peer name (\\S+)");
        for (Step s : LabBuild.steps(l)) {
            if (s.stdin() == null) {
                continue;
            }
            Matcher m = created.matcher(s.stdin());
            while (m.find()) {
                out.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
        }
        out.add(l.ifb(Site.A));
        return out;
    }

    @Test
    void addressesFollowThePlan() {
        assertThat(DEFAULT.appAddress(Site.A, "arena")).isEqualTo("10.201.1.10");
        assertThat(DEFAULT.appAddress(Site.A, "backup")).isEqualTo("10.201.1.14");
        assertThat(DEFAULT.uplinkAddress(Site.B)).isEqualTo("10.202.0.2");
        assertThat(DEFAULT.clientAddress(2)).isEqualTo("10.200.0.12");
        assertThat(DEFAULT.sitePrefix(Site.B)).isEqualTo("10.202.0.0/16");
        assertThatThrownBy(() -> DEFAULT.appAddress(Site.B, "arena")).hasMessage("no application arena on site-b (there are: [])");
        assertThatThrownBy(() -> DEFAULT.clientAddress(3)).hasMessage("no client 3 (expected: 1..2)");
        List<String> all = new ArrayList<>();
        for (Site s : Site.values()) {
            LONGEST.config().site(s).apps().forEach(a -> all.add(LONGEST.appAddress(s, a)));
            all.add(LONGEST.uplinkAddress(s));
            all.add(LONGEST.routerAddress(s));
        }
        LONGEST.clients().forEach(c -> all.add(LONGEST.clientAddress(LONGEST.clients().indexOf(c) + 1)));
        assertThat(new HashSet<>(all)).hasSameSizeAs(all);
    }

    @Test
    void thePictureNamesEachHostItsUplinkIfbAndApplications() {
        var hosts = DEFAULT.picture().hosts();
        assertThat(hosts).hasSize(2);
        assertThat(hosts.get(0)).satisfies(h -> {
            assertThat(h.name()).isEqualTo("host-a");
            assertThat(h.netns()).isEqualTo("npl-host-a");
            assertThat(h.uplink()).isEqualTo("npl-a-up");
            assertThat(h.ifb()).isEqualTo("npl-a-ifb");
            assertThat(h.capacity().toString()).isEqualTo("20Mbit");
            assertThat(h.apps()).containsExactly("npl-a-arena", "npl-a-video", "npl-a-db", "npl-a-web", "npl-a-backup");
        });
        assertThat(hosts.get(1).apps()).isEmpty();
        assertThat(DEFAULT.picture().hostOf("npl-a-db")).contains(hosts.get(0));
    }
}
