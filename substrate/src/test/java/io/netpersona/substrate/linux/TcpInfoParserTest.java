package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.substrate.Metrics.TcpSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ss -tinH as iproute2 6.1 prints it on kernel 6.18 (lines captured from real sockets in test namespaces). */
class TcpInfoParserTest {
    @Test
    void aBulkSenderWithRetransmitsAndADeliveryRate() {
        List<TcpSocket> s = TcpInfoParser.parse("""
                ESTAB 0      4170240    10.99.0.2:55736    10.99.0.1:8082
                	 bbr wscale:10,10 rto:204 rtt:0.615/0.824 mss:1448 pmtu:1500 rcvmss:536 advmss:1448 cwnd:48 ssthresh:394 bytes_sent:247816288 bytes_retrans:327248 bytes_acked:242309761 segs_out:171927 segs_in:1575 data_segs_out:171925 bbr:(bw:302355280bps,mrtt:0.004,pacing_gain:1.25,cwnd_gain:2) send 904117073bps lastsnd:40 lastrcv:1096 lastack:40 pacing_rate 374164664bps delivery_rate 302355624bps delivered:168240 app_limited busy:636ms rwnd_limited:4ms(0.6%) retrans:0/226 dsack_dups:180 reordering:180 reord_seen:7 rcv_space:14480 rcv_ssthresh:64088 notsent:4170240 minrtt:0.004 snd_wnd:29995008
                ESTAB 0      0       [fd00:99::2]:36182 [fd00:99::1]:8082
                	 bbr wscale:10,10 rto:204 rtt:0.136/0.072 mss:1428 pmtu:1500 rcvmss:536 advmss:1428 cwnd:418 ssthresh:558 bytes_sent:252129724 bytes_retrans:152796 bytes_acked:246415361 segs_out:176985 segs_in:3193 data_segs_out:176983 bbr:(bw:14413457592bps,mrtt:0.005,pacing_gain:1,cwnd_gain:2) send 35112000000bps lastsnd:24 lastrcv:1096 lastack:20 pacing_rate 14269323016bps delivery_rate 12165016216bps delivered:173077 busy:984ms rwnd_limited:452ms(45.9%) retrans:0/107 dsack_dups:107 reordering:225 reord_seen:25 rcv_space:14280 rcv_ssthresh:64108 minrtt:0.005 snd_wnd:2406400                  \s
                """);
        assertThat(s).containsExactly(
                new TcpSocket("10.99.0.2:55736", "10.99.0.1:8082", "ESTAB", "bbr", 0.615, 0.824, 226, 302_355_624L, 48, 171_925, 180, 0),
                new TcpSocket("[fd00:99::2]:36182", "[fd00:99::1]:8082", "ESTAB", "bbr", 0.136, 0.072, 107,
                        12_165_016_216L, 418, 176_983, 107, 0));
    }

    @Test
    void receiversAndASocketStillConnectingHaveNoSamplesYet() {
        List<TcpSocket> s = TcpInfoParser.parse("""
                SYN-SENT 0      1       10.99.0.2:40642 10.99.0.1:9999
                	 cubic rto:1000 mss:524 pmtu:1500 rcvmss:88 advmss:1460 cwnd:10 segs_out:1 lastsnd:1138544 lastrcv:1138544 lastack:1138544 app_limited unacked:1 rcv_ssthresh:64240
                ESTAB    0      1201376 10.99.0.2:45108 10.99.0.1:8083
                	 cubic wscale:10,10 rto:204 rtt:0.059/0.048 mss:1448 pmtu:1500 rcvmss:536 advmss:1448 cwnd:260 ssthresh:236 bytes_sent:366211264 bytes_acked:366211265 segs_out:254051 segs_in:4205 data_segs_out:254049 send 51048135593bps lastrcv:780 pacing_rate 61257762704bps delivery_rate 1608888888bps delivered:254050 busy:768ms rwnd_limited:760ms(99.0%) rcv_space:14480 rcv_ssthresh:64088 notsent:1201376 minrtt:0.005
                CLOSE-WAIT 50849  0      10.99.0.1:8081 10.99.0.2:45748
                	 bbr wscale:10,10 rto:200 rtt:0.026/0.013 ato:40 mss:1448 pmtu:1500 rcvmss:1448 advmss:1448 cwnd:10 bytes_received:100001 segs_out:6 segs_in:73 data_segs_in:70 send 4455384615bps lastsnd:892 lastrcv:892 lastack:872 pacing_rate 12732827120bps delivered:1 app_limited rcv_rtt:0.213 rcv_space:14480 rcv_ssthresh:94120 minrtt:0.026 snd_wnd:64512
                ESTAB 0      0      [::ffff:10.99.0.1]:8082 [::ffff:10.99.0.2]:55736
                	 bbr wscale:10,10 rto:204 rtt:0.056/0.028 ato:40 mss:1448 pmtu:1500 rcvmss:1448 advmss:1448 cwnd:10 bytes_received:242309760 segs_out:1574 segs_in:168309 data_segs_in:168307 bbr:(bw:0bps,mrtt:0.056) send 2068571429bps lastsnd:1100 lastrcv:44 lastack:44 pacing_rate 5911669240bps delivered:1 app_limited rcv_rtt:1 rcv_space:1572904 rcv_ssthresh:30001790 minrtt:0.056 rcv_ooopack:584 snd_wnd:64512
                """);
        assertThat(s).containsExactly(
                new TcpSocket("10.99.0.2:40642", "10.99.0.1:9999", "SYN-SENT", "cubic", 0, 0, 0, 0, 10),
                new TcpSocket("10.99.0.2:45108", "10.99.0.1:8083", "ESTAB", "cubic", 0.059, 0.048, 0, 1_608_888_888L, 260, 254_049),
                new TcpSocket("10.99.0.1:8081", "10.99.0.2:45748", "CLOSE-WAIT", "bbr", 0.026, 0.013, 0, 0, 10),
                new TcpSocket("[::ffff:10.99.0.1]:8082", "[::ffff:10.99.0.2]:55736", "ESTAB", "bbr", 0.056, 0.028, 0, 0, 10));
    }

    @Test
    void flagsBeforeTheCongestionControlAndASocketWithoutItsInfoLine() {
        // the flags are what ss prints for sockets with timestamps and SACK (tcp_show_info); the bare
        // header is how a socket looks when ss could not read its tcp_info
        List<TcpSocket> s = TcpInfoParser.parse("""
                ESTAB 0 0 10.0.0.1:22 10.0.0.2:50000
                	 ts sack ecn reno wscale:7,7 rto:204 rtt:1.5/0.75 cwnd:10 delivery_rate 1.2Mbps retrans:1/4
                LISTEN 0 128 0.0.0.0:8080 0.0.0.0:*
                """);
        assertThat(s).containsExactly(
                new TcpSocket("10.0.0.1:22", "10.0.0.2:50000", "ESTAB", "reno", 1.5, 0.75, 4, 1_200_000, 10),
                new TcpSocket("0.0.0.0:8080", "0.0.0.0:*", "LISTEN", "", 0, 0, 0, 0, 0));
        assertThat(TcpInfoParser.parse("")).isEmpty();
    }

    @Test
    void ratesInEveryUnitSsUses() {
        assertThat(TcpInfoParser.rate("302355624bps")).isEqualTo(302_355_624L);
        assertThat(TcpInfoParser.rate("12Kbps")).isEqualTo(12_000);
        assertThat(TcpInfoParser.rate("1.5Gbps")).isEqualTo(1_500_000_000L);
        assertThat(TcpInfoParser.rate("fast")).isZero();
    }
}
