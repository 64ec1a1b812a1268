package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.IpAddress;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.linux.netlink.NetlinkReader;
import io.netpersona.substrate.linux.netlink.NftCommand;
import io.netpersona.substrate.linux.netlink.SocketFailures;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A host table's structure (its skeleton, and each persona's own sets and chains) sent as nf_tables netlink
 * messages in the same transaction as its elements, against the same steps run by {@code nft -f}: the kernel
 * holds the same table either way (its own JSON, handles and all), made, changed and removed, whichever of
 * the two made it; a refused batch leaves nothing of itself behind.
 */
class NftStructureIT {
    private TestNet net;
    private String viaNft;
    private String viaNetlink;

    @BeforeEach
    void hosts() {
        net = new TestNet();
        viaNft = net.ns("f");
        viaNetlink = net.ns("n");
    }

    @AfterEach
    void cleanUp() {
        net.close();
    }

    private static Persona persona(String name, String spec) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: %s}
                spec:
                  app: {netns: %s}
                %s""".formatted(name, name, spec.indent(2)));
    }

    /** A persona's entries: every shape of object (a logging chain, per-source connection counts) and of element. */
    private static Resource entries(String ns, String name, int minor, String spec, String... addresses) {
        List<IpAddress> a = java.util.Arrays.stream(addresses).map(IpAddress::parse).toList();
        return HostEntriesKind.of(ns, name, List.of(addresses), minor,
                HostTable.entries(persona(name, spec), a, minor, "1:" + Integer.toHexString(minor)));
    }

    private static final String EVERYTHING = """
            qos: {priority: 1, dscp: EF}
            security:
              defaultAction: drop
              logDropped: true
              limits: {newConnectionsPerSecond: 20, connectionsPerSource: 3}
              allow:
                - {direction: ingress, proto: tcp, port: 8080}
                - {direction: ingress, proto: udp, port: 53, from: 10.0.0.0/8}
                - {direction: ingress, proto: tcp, port: 443, from: "fd00:1::/64"}
                - {direction: egress, proto: icmp}
                - {direction: egress, to: 192.168.0.0/16}
            """;

    private Optional<BatchRunner.Failure> run(String ns, boolean netlink, Step... steps) {
        return run(net.commands(), netlink, steps);
    }

    private static Optional<BatchRunner.Failure> run(Commands commands, boolean netlink, Step... steps) {
        Batches b = new Batches();
        for (Step s : steps) {
            b.from(s);
            switch (s.key().kind()) {
                case HostTableKind.KIND -> new HostTableKind().render(s, b);
                default -> new HostEntriesKind().render(s, b);
            }
        }
        BatchRunner runner = new BatchRunner(commands);
        runner.nftOverNetlink(netlink);
        return runner.run(b, false);
    }

    private String table(String ns) {
        Commands.Result r = net.commands().run(Commands.nft(ns, "-j", "list", "table", "inet", "netpersona"), null);
        return r.ok() ? r.stdout() : "no table: " + r.stderr().strip().replace(ns, "NS");
    }

    private Step[] make(String ns) {
        return new Step[] {new Step.Create(HostTableKind.of(ns)),
                new Step.Create(entries(ns, "web", 0x2a, EVERYTHING, "10.88.1.2", "fd00:88:1::2")),
                new Step.Create(entries(ns, "db", 0x2b, "qos: {priority: 2, dscp: AF41}\nsecurity: {logDropped: true}", "10.88.1.3"))};
    }

    @Test
    void theKernelHoldsTheTableNftWouldHaveMadeChangedAndRemoved() {
        assertThat(run(viaNft, false, make(viaNft))).isEmpty();
        long processes = net.commands().started();
        assertThat(run(viaNetlink, true, make(viaNetlink))).isEmpty();
        assertThat(net.commands().started() - processes).isZero();
        String made = table(viaNft);
        assertThat(made).contains("\"p2a_log\"", "\"p2a_src4\"", "\"p2a_src6\"", "\"p2a_conn\"", "\"p2b_log\"", "{\"ct count\": {\"val\": 3",
                "\"prefix\": \"netpersona web drop \"", "\"dscp6_46\"", "\"dscp_34\"", "\"1:2a\"", "\"10.0.0.0\"", "\"fd00:1::\"");
        assertThat(table(viaNetlink)).isEqualTo(made);

        // web changes its limit (its sets are made anew, its chain rewritten) and db goes
        Resource webBefore = entries("", "web", 0x2a, EVERYTHING, "10.88.1.2", "fd00:88:1::2");
        Resource webAfter = entries("", "web", 0x2a, EVERYTHING.replace("connectionsPerSource: 3", "connectionsPerSource: 9"),
                "10.88.1.2", "fd00:88:1::2");
        Resource db = entries("", "db", 0x2b, "qos: {priority: 2, dscp: AF41}\nsecurity: {logDropped: true}", "10.88.1.3");
        assertThat(run(viaNft, false, new Step.Modify(scoped(webBefore, viaNft), scoped(webAfter, viaNft)),
                new Step.Delete(scoped(db, viaNft)))).isEmpty();
        assertThat(run(viaNetlink, true, new Step.Modify(scoped(webBefore, viaNetlink), scoped(webAfter, viaNetlink)),
                new Step.Delete(scoped(db, viaNetlink)))).isEmpty();
        String changed = table(viaNft);
        assertThat(changed).isNotEqualTo(made).contains("{\"ct count\": {\"val\": 9").doesNotContain("p2b_log", "10.88.1.3");
        assertThat(table(viaNetlink)).isEqualTo(changed);

        // what one made, the other removes: web's entries, then the table
        assertThat(run(viaNft, true, new Step.Delete(scoped(webAfter, viaNft)))).isEmpty();
        assertThat(run(viaNetlink, false, new Step.Delete(scoped(webAfter, viaNetlink)))).isEmpty();
        String emptied = table(viaNft);
        assertThat(emptied).doesNotContain("p2a_", "10.88.1.2");
        assertThat(table(viaNetlink)).isEqualTo(emptied);
        assertThat(run(viaNft, true, new Step.Delete(HostTableKind.of(viaNft)))).isEmpty();
        assertThat(table(viaNft)).startsWith("no table");
        assertThat(run(viaNetlink, false, new Step.Delete(HostTableKind.of(viaNetlink)))).isEmpty();
        assertThat(table(viaNetlink)).isEqualTo(table(viaNft));

        // made again, then every persona and the table in one batch (the elements' removal left to the table's)
        assertThat(run(viaNetlink, true, make(viaNetlink))).isEmpty();
        Step[] again = make(viaNetlink);
        assertThat(run(viaNetlink, true, new Step.Delete(((Step.Create) again[2]).resource()),
                new Step.Delete(((Step.Create) again[1]).resource()), new Step.Delete(HostTableKind.of(viaNetlink)))).isEmpty();
        assertThat(table(viaNetlink)).startsWith("no table");
    }

    private static Resource scoped(Resource r, String ns) {
        return new Resource(r.kind(), ns, r.id(), r.attributes());
    }

    @Test
    void aRefusedBatchLeavesNothingOfItselfBehind() {
        Step table = new Step.Create(HostTableKind.of(viaNetlink));
        Step web = new Step.Create(entries(viaNetlink, "web", 0x2a, EVERYTHING, "10.88.1.2", "fd00:88:1::2"));
        // an element (in the same command as web's: nft -c of the batch ungrouped finds whose it is) that jumps to a chain nobody made: the kernel refuses it after the table and web's objects
        Step bad = new Step.Create(new Resource(HostEntriesKind.KIND, viaNetlink, "bad p3", java.util.Map.of("addresses", "10.88.1.9",
                "e:qos_dscp4", "10.88.1.9 : jump nosuch")));
        long processes = net.commands().started();
        Optional<BatchRunner.Failure> failed = run(viaNetlink, true, table, web, bad);
        assertThat(net.commands().started() - processes).as("only nft -c, to find the step").isEqualTo(1);
        assertThat(failed).get().satisfies(f -> {
            assertThat(f.step()).isEqualTo(bad);
            assertThat(f.reason()).contains("qos_dscp4").contains("No such file or directory (errno 2)");
        });
        assertThat(table(viaNetlink)).startsWith("no table");

        // made by nft, a refused change over netlink leaves it as it was
        assertThat(run(viaNetlink, false, table, web)).isEmpty();
        String before = table(viaNetlink);
        Step log = new Step.Create(entries(viaNetlink, "db", 0x2b, "security: {logDropped: true}", "10.88.1.3"));
        assertThat(run(viaNetlink, true, log, bad)).get().satisfies(f -> assertThat(f.step()).isEqualTo(bad));
        assertThat(table(viaNetlink)).isEqualTo(before).doesNotContain("p2b_log");
    }

    /** Commands whose nf_tables batches fail at the socket: {@code sent} once the kernel had them. */
    private static final class FailingSocket extends Commands {
        private final boolean sent;

        FailingSocket(boolean sent) {
            this.sent = sent;
        }

        @Override
        public Optional<NetlinkReader.Refused> nftBatch(String scope, List<NftCommand> commands) {
            if (!sent) {
                throw SocketFailures.beforeSending();
            }
            assertThat(super.nftBatch(scope, commands)).isEmpty();
            throw SocketFailures.afterSending();
        }
    }

    @Test
    void aSocketThatFailsBeforeSendingLeavesTheBatchToNftAndAfterSendingReportsIt() {
        assertThat(run(viaNft, false, make(viaNft))).isEmpty();
        FailingSocket before = new FailingSocket(false);
        assertThat(run(before, true, make(viaNetlink))).isEmpty();
        assertThat(before.started()).as("nft ran the batch").isEqualTo(1);
        assertThat(table(viaNetlink)).isEqualTo(table(viaNft));

        // sent, then unanswered: not sent again (its rules would be there twice), but reported for the caller to put right
        Step[] gone = {new Step.Delete(entries(viaNetlink, "db", 0x2b, "qos: {priority: 2, dscp: AF41}\nsecurity: {logDropped: true}",
                "10.88.1.3"))};
        FailingSocket after = new FailingSocket(true);
        assertThat(run(after, true, gone)).get().satisfies(f -> {
            assertThat(f.step()).isEqualTo(gone[0]);
            assertThat(f.reason()).contains("outcome unknown", "injected: no acknowledgement");
        });
        assertThat(after.started()).as("nft did not run it again").isZero();
        assertThat(table(viaNetlink)).as("the kernel took it").doesNotContain("p2b_log");
    }

    @Test
    void aSkeletonDamagedByHandIsRepairedAsNftRepairsIt() {
        assertThat(run(viaNft, false, make(viaNft))).isEmpty();
        assertThat(run(viaNetlink, true, make(viaNetlink))).isEmpty();
        for (String ns : List.of(viaNft, viaNetlink)) {
            // a chain gone, a base chain's rules and a regular chain's gone
            net.commands().check(Commands.nft(ns, "delete", "chain", "inet", "netpersona", "dscp_7"), null);
            net.commands().check(Commands.nft(ns, "flush", "chain", "inet", "netpersona", "count"), null);
            net.commands().check(Commands.nft(ns, "flush", "chain", "inet", "netpersona", "refuse_out"), null);
        }
        String damaged = table(viaNetlink);
        assertThat(damaged).doesNotContain("\"dscp_7\"", "\"@fw_tx6\"");
        assertThat(run(viaNft, false, new Step.Modify(HostTableKind.of(viaNft), HostTableKind.of(viaNft)))).isEmpty();
        long processes = net.commands().started();
        assertThat(run(viaNetlink, true, new Step.Modify(HostTableKind.of(viaNetlink), HostTableKind.of(viaNetlink)))).isEmpty();
        assertThat(net.commands().started() - processes).isZero();
        String repaired = table(viaNft);
        assertThat(repaired).contains("\"dscp_7\"", "\"@fw_tx6\"", "\"p2a_log\"", "\"10.88.1.2\"");
        assertThat(table(viaNetlink)).isEqualTo(repaired);
    }
}
