package io.netpersona.model;

import java.util.List;

/** The desired network behaviour of one application; null fields leave the host's setting alone. */
public record Spec(
        AppSelector app,
        TrafficClass trafficClass,
        Topology topology,
        Qos qos,
        Tcp tcp,
        Integer mtu,
        Dns dns,
        Routing routing,
        Security security,
        List<Dependency> dependencies,
        Adaptation adaptation) {
    public static final int MTU_MIN = 576;
    public static final int MTU_MAX = 9216;

    public Spec {
        dependencies = Copies.list(dependencies);
    }

    public static Spec forApp(AppSelector app) {
        return new Spec(app, null, null, null, null, null, null, null, null, null, null);
    }

    public Spec withTopology(Topology t) {
        return new Spec(app, trafficClass, t, qos, tcp, mtu, dns, routing, security, dependencies, adaptation);
    }

    public Spec withQos(Qos q) {
        return new Spec(app, trafficClass, topology, q, tcp, mtu, dns, routing, security, dependencies, adaptation);
    }

    public Spec withTcp(Tcp t) {
        return new Spec(app, trafficClass, topology, qos, t, mtu, dns, routing, security, dependencies, adaptation);
    }

    public Spec withMtu(Integer m) {
        return new Spec(app, trafficClass, topology, qos, tcp, m, dns, routing, security, dependencies, adaptation);
    }

    public Spec withSecurity(Security s) {
        return new Spec(app, trafficClass, topology, qos, tcp, mtu, dns, routing, s, dependencies, adaptation);
    }

    public Spec withDependencies(List<Dependency> d) {
        return new Spec(app, trafficClass, topology, qos, tcp, mtu, dns, routing, security, d, adaptation);
    }

    public Spec withAdaptation(Adaptation a) {
        return new Spec(app, trafficClass, topology, qos, tcp, mtu, dns, routing, security, dependencies, a);
    }
}
