package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.IpAddress;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.Resource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A persona's entries in the host table: read back from a listing nft 1.0.6 printed, and changed element by element. */
class HostEntriesKindTest {
    static Persona persona(String security) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: web}
                spec:
                  app: {netns: web}
                  security:
                %s""".formatted(security.indent(4)));
    }

    static Resource entries(String security) {
        List<IpAddress> addresses = List.of(IpAddress.parse("10.88.1.2"), IpAddress.parse("fd00:88:1::2"));
        return HostEntriesKind.of("h", "web", addresses.stream().map(IpAddress::toString).toList(), 0x2a,
                HostTable.entries(persona(security), addresses, 0x2a, "1:2a"));
    }

    static final String LISTING = """
            table inet netpersona {
            	counter p2a_rx {
            		packets 12 bytes 900
            	}

            	counter p2a_tx {
            		packets 0 bytes 0
            	}

            	counter p2a_dropped {
            		packets 3 bytes 180
            	}

            	counter p3_rx {
            		packets 0 bytes 0
            	}

            	limit p2a_newconn {
            		rate over 5/second
            	}

            	set fw_in_tcp4 {
            		type ipv4_addr . ipv4_addr . inet_service
            		flags interval
            		elements = { 10.88.1.2 . 0.0.0.0/0 . 8080,
            			     10.88.1.20 . 0.0.0.0/0 . 22 }
            	}

            	set fw_drop_in4 {
            		type ipv4_addr
            		elements = { 10.88.1.2, 10.88.1.20 }
            	}

            	map fw_rx4 {
            		type ipv4_addr : counter
            		elements = { 10.88.1.2 : "p2a_rx", 10.88.1.20 : "p3_rx" }
            	}

            	map fw_newconn4 {
            		type ipv4_addr : limit
            		elements = { 10.88.1.2 : "p2a_newconn" }
            	}
            }
            """;

    @Test
    void readsItsOwnElementsAndObjectsWithoutARecord() {
        Resource.Key key = new Resource.Key(HostEntriesKind.KIND, "h", "web p2a_");
        Resource r = HostEntriesKind.parse(key, LISTING, Optional.empty()).orElseThrow();
        assertThat(r.attributes()).containsEntry("addresses", "10.88.1.2")
                .containsEntry("e:fw_in_tcp4", "10.88.1.2 . 0.0.0.0/0 . 8080")
                .containsEntry("e:fw_drop_in4", "10.88.1.2")
                .containsEntry("e:fw_rx4", "10.88.1.2 : \"p2a_rx\"")
                .containsEntry("o:counter p2a_rx", "")
                .containsEntry("o:limit p2a_newconn", "rate over 5/second burst 5 packets")
                .doesNotContainKey("o:counter p3_rx");
        assertThat(r.attributes().values()).noneMatch(v -> v.contains("10.88.1.20"));
        assertThat(HostEntriesKind.parse(new Resource.Key(HostEntriesKind.KIND, "h", "other p4_"), LISTING, Optional.empty()))
                .isEmpty();
    }

    @Test
    void anAddressWhoseCounterElementWasDeletedIsFoundThroughTheRecord() {
        String withoutRx = LISTING.replace("10.88.1.2 : \"p2a_rx\", ", "");
        Resource.Key key = new Resource.Key(HostEntriesKind.KIND, "h", "web p2a_");
        Resource recorded = new Resource(HostEntriesKind.KIND, "h", "web p2a_", Map.of("addresses", "10.88.1.2"));
        Resource r = HostEntriesKind.parse(key, withoutRx, Optional.of(recorded)).orElseThrow();
        assertThat(r.attributes()).containsEntry("e:fw_in_tcp4", "10.88.1.2 . 0.0.0.0/0 . 8080").doesNotContainKey("e:fw_rx4");
    }

    @Test
    void aChangeTouchesOnlyWhatDiffersAndLeavesTheCountersAlone() {
        Resource from = entries("defaultAction: drop\nallow: [{direction: ingress, proto: tcp, port: 8080}]");
        Resource to = entries("defaultAction: drop\nallow: [{direction: ingress, proto: tcp, port: 8081}]");
        assertThat(HostEntriesKind.change(from.attributes(), to.attributes())).containsExactly(
                "delete element inet netpersona fw_in_tcp4 { 10.88.1.2 . 0.0.0.0/0 . 8080 }",
                "delete element inet netpersona fw_in_tcp6 { fd00:88:1::2 . ::/0 . 8080 }",
                "add element inet netpersona fw_in_tcp4 { 10.88.1.2 . 0.0.0.0/0 . 8081 }",
                "add element inet netpersona fw_in_tcp6 { fd00:88:1::2 . ::/0 . 8081 }");
        assertThat(HostEntriesKind.change(from.attributes(), from.attributes())).isEmpty();
    }

    @Test
    void aLimitWithANewRateIsMadeAnewWithTheElementsThatUseIt() {
        Resource from = entries("limits: {newConnectionsPerSecond: 5}");
        Resource to = entries("limits: {newConnectionsPerSecond: 20, connectionsPerSource: 3}");
        List<String> lines = HostEntriesKind.change(from.attributes(), to.attributes());
        assertThat(lines).containsSubsequence(
                "delete element inet netpersona fw_newconn4 { 10.88.1.2 }",
                "add chain inet netpersona p2a_conn",
                "delete limit inet netpersona p2a_newconn",
                "add limit inet netpersona p2a_newconn { rate over 20/second burst 20 packets }",
                "add set inet netpersona p2a_src4 { type ipv4_addr; size 65535; flags dynamic; }",
                "add rule inet netpersona p2a_conn ct state new add @p2a_src4 { ip saddr ct count over 3 } goto refuse_in",
                "add element inet netpersona fw_connlimit4 { 10.88.1.2 : jump p2a_conn }",
                "add element inet netpersona fw_newconn4 { 10.88.1.2 : \"p2a_newconn\" }");
        assertThat(lines).noneMatch(l -> l.contains("counter") || l.contains("fw_rx") || l.contains("fw_drop"));
    }

    @Test
    void aPersonaThatLogsHasItsOwnLogChainNamingIt() {
        Resource r = entries("defaultAction: drop\nlogDropped: true");
        assertThat(r.attributes()).containsEntry("e:fw_log4", "10.88.1.2 : jump p2a_log")
                .containsEntry("e:fw_log6", "fd00:88:1::2 : jump p2a_log")
                .containsEntry("o:chain p2a_log", "limit rate 10/second burst 20 packets log prefix \"netpersona web drop \"");
        List<String> removal = HostEntriesKind.change(r.attributes(), Map.of());
        assertThat(removal).containsSubsequence("delete element inet netpersona fw_log4 { 10.88.1.2 }",
                "flush chain inet netpersona p2a_log", "delete chain inet netpersona p2a_log", "delete counter inet netpersona p2a_dropped");
    }
}
