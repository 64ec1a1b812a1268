package io.netpersona.substrate.linux.netlink;

import java.util.Optional;

/**
 * A TCP socket as {@code sock_diag} describes it ({@code struct inet_diag_msg}): family, state
 * ({@code TCP_ESTABLISHED} 1 ...), both ends (address text as {@code inet_ntop} prints it, port), the
 * device it is bound to (0: none), its congestion control ("" when the kernel sent none) and its
 * {@code tcp_info} when the kernel sent it.
 */
public record TcpSocket(int family, int state, String localAddress, int localPort, String peerAddress, int peerPort,
        int boundDevice, String congestionControl, Optional<Info> info) {

    /**
     * The fields of {@code struct tcp_info} a sampler wants: times in microseconds, rates in bytes per
     * second, as the kernel gives them. Fields past the end of an older kernel's struct read as 0: {@code dsackDups}
     * (segments the peer reported receiving twice, {@code tcpi_dsack_dups}, Linux 5.0) and {@code timeouts}
     * (retransmission timeouts over the socket's life, {@code tcpi_total_rto}, Linux 6.7).
     */
    public record Info(int state, long rttUs, long rttVarUs, long sndCwnd, long retrans, long totalRetrans,
            long deliveryRate, long minRttUs, long bytesAcked, long bytesReceived, long dataSegsOut, long dsackDups,
            long timeouts) {
        public Info(int state, long rttUs, long rttVarUs, long sndCwnd, long retrans, long totalRetrans, long deliveryRate,
                long minRttUs, long bytesAcked, long bytesReceived, long dataSegsOut) {
            this(state, rttUs, rttVarUs, sndCwnd, retrans, totalRetrans, deliveryRate, minRttUs, bytesAcked, bytesReceived,
                    dataSegsOut, 0, 0);
        }
    }
}
