package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.ChangeSet;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code spec.tcp.congestionControl} on the real kernel: new TCP sockets, outgoing through the connected
 * route and the default route, and accepted ones, take the persona's algorithm from their route; even cubic,
 * which the namespace cannot make its default here.
 */
class RouteIT {
    TestNet net;
    Sockets sockets;
    LinuxSubstrate substrate;
    String app;
    String peer;

    @BeforeEach
    void hosts() {
        net = new TestNet();
        sockets = new Sockets(net);
        app = net.ns("app");
        peer = net.ns("peer");
        net.link(app, "eth0", "10.81.0.1/24", peer, "eth0", "10.81.0.2/24");
        // a far address, reached through the default route
        net.commands().check(Commands.ip(peer, "addr", "add", "10.82.0.1/32", "dev", "lo"), null);
        net.commands().check(Commands.ip(app, "route", "add", "default", "via", "10.81.0.2"), null);
        // reno as the namespace's default, so that cubic and bbr can come only from the routes
        assertThat(net.exec(app, "sysctl", "-q", "-w", "net.ipv4.tcp_congestion_control=reno").ok()).isTrue();
        sockets.listen(peer, 5001);
        sockets.listen(app, 5002);
        substrate = new LinuxSubstrate(net.commands(), net.stateDir(), HostPicture.none(), Clock.systemUTC());
    }

    @AfterEach
    void cleanUp() {
        if (sockets != null) {
            sockets.close();
        }
        if (net != null) {
            net.close();
        }
    }

    Persona persona(String cc) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: cc-%s}
                spec: {app: {netns: %s}, tcp: {congestionControl: %s}}
                """.formatted(net.prefix(), app, cc));
    }

    ChangeSet apply(Persona p) {
        ChangeSet cs = substrate.plan(substrate.observe(p), p);
        substrate.apply(cs);
        return cs;
    }

    /** The algorithm of three new sockets: to the neighbour, to the far address, and one the app accepted. */
    String newSockets(int round) {
        sockets.connect(app, "10.81.0.2", 5001);
        sockets.connect(app, "10.82.0.1", 5001);
        sockets.connect(peer, "10.81.0.1", 5002);
        String connected = sockets.congestionControl(app, "10.81.0.2:5001");
        String viaDefault = sockets.congestionControl(app, "10.82.0.1:5001");
        String accepted = sockets.congestionControl(app, "10.81.0.1:5002");
        sockets.hangUp();
        sockets.listen(peer, 5001);
        sockets.listen(app, 5002);
        assertThat(viaDefault).as("round " + round + ": via the default route").isEqualTo(connected);
        assertThat(accepted).as("round " + round + ": accepted").isEqualTo(connected);
        return connected;
    }

    @Test
    void newSocketsOnThePersonasRoutesUseItsCongestionControlAndRemovalPutsTheRoutesBack() {
        String before = net.snapshot(app);
        assertThat(newSockets(0)).isEqualTo("reno");

        ChangeSet first = apply(persona("bbr"));
        assertThat(first.steps()).hasSize(3); // default, connected, and the IPv6 link-local route
        assertThat(newSockets(1)).isEqualTo("bbr");
        assertThat(substrate.plan(substrate.observe(persona("bbr")), persona("bbr")).isEmpty()).isTrue();

        // cubic: what the namespace itself may not choose
        assertThat(net.exec(app, "sysctl", "-w", "net.ipv4.tcp_congestion_control=cubic").stderr()).contains("Operation not permitted");
        ChangeSet toCubic = apply(persona("cubic"));
        assertThat(toCubic.steps()).hasSize(3).allSatisfy(s -> assertThat(s.toString()).contains("congctl=bbr -> cubic"));
        assertThat(newSockets(2)).isEqualTo("cubic");

        ChangeSet removal = substrate.planRemoval(persona("cubic").name());
        assertThat(removal.steps()).hasSize(3);
        substrate.apply(removal);
        assertThat(net.snapshot(app)).isEqualTo(before);
        assertThat(newSockets(3)).isEqualTo("reno");
        assertThat(substrate.planRemoval(persona("cubic").name()).isEmpty()).isTrue();
    }

    @Test
    void aChangedRouteIsDriftAndARouteTheKernelDropsIsNotWrittenBack() {
        Persona p = persona("bbr");
        apply(p);
        net.commands().check(Commands.ip(app, "route", "replace", "default", "via", "10.81.0.2", "dev", "eth0"), null);
        assertThat(substrate.observe(p).drift()).singleElement().asString().contains("inet main default", "congctl=bbr -> (none)");
        assertThat(apply(p).steps()).hasSize(1);
        assertThat(newSockets(0)).isEqualTo("bbr");

        // the link goes down: its routes go with it, and there is nothing the persona could put back
        net.commands().check(Commands.ip(app, "link", "set", "eth0", "down"), null);
        assertThat(substrate.observe(p).drift()).anySatisfy(d -> assertThat(d).contains("inet main default", "gone"));
        assertThat(substrate.plan(substrate.observe(p), p).isEmpty()).isTrue();
        ChangeSet removal = substrate.planRemoval(p.name());
        assertThat(removal.steps()).isEmpty();
        substrate.apply(removal);
        assertThat(new Records(net.stateDir()).load(p.name())).as("no record left").isEmpty();
    }
}
