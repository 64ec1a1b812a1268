package io.netpersona.learn;

/** The file formats {@link CaptureReader} reads, told apart by their first four bytes. */
public enum CaptureFormat {
    /** libpcap: one link type per file, microsecond or nanosecond timestamps, either byte order. */
    PCAP,
    /** pcapng: sections and interfaces, each interface with its own link type and timestamp resolution. */
    PCAPNG
}
