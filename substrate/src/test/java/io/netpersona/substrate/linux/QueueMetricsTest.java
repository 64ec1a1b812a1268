package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueMetricsTest {
    static final String QDISCS = """
            [{"kind":"htb","handle":"1:","root":true,"refcnt":2,"options":{"r2q":10,"default":"0x2"},"bytes":122947231,
              "packets":99722,"drops":35,"overlimits":56345,"requeues":0,"backlog":0,"qlen":0},
             {"kind":"tbf","handle":"1a:","parent":"1:1a","options":{"rate":22500000,"burst":5377,"lat":9761},
              "bytes":12003396,"packets":11705,"drops":28,"overlimits":0,"requeues":0,"backlog":151400,"qlen":100}]""";

    @Test
    void theQueueOfAClassComesFromItsLeafAndItsOverlimitsFromTheClass() {
        CannedCommands c = new CannedCommands()
                .answer(Commands.tc("h", "-s", "-j", "qdisc", "show", "dev", "up0"), QDISCS)
                .answer(Commands.tc("h", "-s", "class", "show", "dev", "up0"), TcTextTest.CLASSES);
        Resource.Key cls = new Resource.Key(HtbClassKind.KIND, "h", "up0 1:1a");
        Resource.Key other = new Resource.Key(NftTableKind.KIND, "h", "netpersona-x");
        Metrics m = QueueMetrics.into(Metrics.none(42), new HostView(c), List.of(cls, other));
        assertThat(m.sampledAtMillis()).isEqualTo(42);
        assertThat(m.queues()).containsExactly(new Metrics.Queue("h", "up0", "1:1a", 151400, 100, 28, 387, 12003396, 11705));
        assertThat(c.asked).as("one read per device and question").hasSize(2);
    }

    @Test
    void aClassThatIsGoneHasNoQueue() {
        Metrics m = QueueMetrics.into(Metrics.none(1), new HostView(new CannedCommands()),
                List.of(new Resource.Key(HtbClassKind.KIND, "h", "up0 1:1a")));
        assertThat(m.queues()).isEmpty();
    }
}
