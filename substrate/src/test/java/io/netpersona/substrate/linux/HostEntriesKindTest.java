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
            	set fw_in_tcp4 {
            		type ipv4_addr . ipv4_addr . inet_service
            		flags interval
            		elements = { 10.88.1.2 . 10.0.0.0/8 . 8080,
            			     10.88.1.20 . 0.0.0.0/0 . 22 }
            	}

            	set fw_in_tcp4p {
            		type ipv4_addr . inet_service
            		elements = { 10.88.1.2 . 443 }
            	}

            	set fw_drop4 {
            		type ipv4_addr
            		elements = { 10.88.1.2, 10.88.1.20 }
            	}

            	set fw_rx4 {
            		type ipv4_addr
            		counter
            		elements = { 10.88.1.2 counter packets 12 bytes 900, 10.88.1.20 counter packets 0 bytes 0 }
            	}

            	set fw_newconn4 {
            		type ipv4_addr
            		limit rate over 1/second
            		elements = { 10.88.1.2 limit rate over 5/second }
            	}

            	chain p2a_log {
            		limit rate 10/second burst 20 packets log prefix "netpersona web drop "
            	}

            	chain p3_log {
            		limit rate 10/second burst 20 packets log prefix "netpersona other drop "
            	}
            }
            """;

    static final Resource.Key KEY = new Resource.Key(HostEntriesKind.KIND, "h", "web p2a_");

    static Optional<Resource> recorded(String addresses) {
        return Optional.of(new Resource(HostEntriesKind.KIND, "h", "web p2a_", Map.of("addresses", addresses)));
    }

    @Test
    void readsTheElementsOfItsAddressesAndItsOwnObjectsWithoutCounterValues() {
        Resource r = HostEntriesKind.parse(KEY, LISTING, recorded("10.88.1.2")).orElseThrow();
        assertThat(r.attributes()).containsEntry("addresses", "10.88.1.2")
                .containsEntry("e:fw_in_tcp4", "10.88.1.2 . 10.0.0.0/8 . 8080")
                .containsEntry("e:fw_in_tcp4p", "10.88.1.2 . 443")
                .containsEntry("e:fw_drop4", "10.88.1.2")
                .containsEntry("e:fw_rx4", "10.88.1.2")
                .containsEntry("e:fw_newconn4", "10.88.1.2 limit rate over 5/second")
                .containsEntry("o:chain p2a_log", "limit rate 10/second burst 20 packets log prefix \"netpersona web drop \"")
                .doesNotContainKey("o:chain p3_log");
        assertThat(r.attributes().values()).noneMatch(v -> v.contains("10.88.1.20") || v.contains("packets 12"));
    }

    @Test
    void theCountersAreReadPerElement() {
        NftIndex ix = NftIndex.of(NftListing.parse(LISTING));
        assertThat(ix.counter("fw_rx4", "10.88.1.2")).isEqualTo(new NftIndex.Counter(12, 900));
        assertThat(ix.counter("fw_rx4", "10.88.1.99")).isEqualTo(new NftIndex.Counter(0, 0));
    }

    @Test
    void withoutRecordedAddressesOnlyItsObjectsAreFound() {
        Resource r = HostEntriesKind.parse(KEY, LISTING, Optional.empty()).orElseThrow();
        assertThat(r.attributes()).containsOnlyKeys("addresses", "o:chain p2a_log");
        assertThat(HostEntriesKind.parse(new Resource.Key(HostEntriesKind.KIND, "h", "other p4_"), LISTING, Optional.empty()))
                .isEmpty();
    }

    @Test
    void whatItWritesReadsBackTheSame() {
        Resource r = entries("""
                defaultAction: drop
                allow:
                  - {direction: ingress, proto: tcp, port: 443}
                  - {direction: ingress, proto: tcp, from: 10.0.0.0/8, port: 8080}
                limits: {newConnectionsPerSecond: 5}""");
        assertThat(r.attributes()).containsEntry("e:fw_in_tcp4p", "10.88.1.2 . 443")
                .containsEntry("e:fw_in_tcp4", "10.88.1.2 . 10.0.0.0/8 . 8080")
                .containsEntry("e:fw_newconn4", "10.88.1.2 limit rate over 5/second")
                .containsEntry("e:fw_rx4", "10.88.1.2").containsEntry("e:fw_dropped4", "10.88.1.2");
    }

    @Test
    void aChangeTouchesOnlyWhatDiffersAndLeavesTheCountersAlone() {
        Resource from = entries("defaultAction: drop\nallow: [{direction: ingress, proto: tcp, port: 8080}]");
        Resource to = entries("defaultAction: drop\nallow: [{direction: ingress, proto: tcp, port: 8081}]");
        assertThat(HostEntriesKind.change(from.attributes(), to.attributes())).containsExactly(
                "delete element inet netpersona fw_in_tcp4p { 10.88.1.2 . 8080 }",
                "delete element inet netpersona fw_in_tcp6p { fd00:88:1::2 . 8080 }",
                "add element inet netpersona fw_in_tcp4p { 10.88.1.2 . 8081 }",
                "add element inet netpersona fw_in_tcp6p { fd00:88:1::2 . 8081 }");
        assertThat(HostEntriesKind.change(from.attributes(), from.attributes())).isEmpty();
    }

    @Test
    void aLimitWithANewRateIsAnElementMadeAnew() {
        Resource from = entries("limits: {newConnectionsPerSecond: 5}");
        Resource to = entries("limits: {newConnectionsPerSecond: 20, connectionsPerSource: 3}");
        List<String> lines = HostEntriesKind.change(from.attributes(), to.attributes());
        assertThat(lines).containsSubsequence(
                "delete element inet netpersona fw_newconn4 { 10.88.1.2 }",
                "add chain inet netpersona p2a_conn",
                "add set inet netpersona p2a_src4 { type ipv4_addr; size 65535; flags dynamic; }",
                "add rule inet netpersona p2a_conn ct state new add @p2a_src4 { ip saddr ct count over 3 } goto refuse_in",
                "add element inet netpersona fw_connlimit4 { 10.88.1.2 : jump p2a_conn }",
                "add element inet netpersona fw_newconn4 { 10.88.1.2 limit rate over 20/second burst 20 packets }");
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
                "flush chain inet netpersona p2a_log", "delete chain inet netpersona p2a_log");
    }
}
