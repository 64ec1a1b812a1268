package io.netpersona.learn;

/**
 * Hears each packet a {@link FlowMeter} puts into a flow, as it is read: for measures that flows cannot give
 * afterwards, such as bytes per second. Called for every packet on the thread that meters, the one that
 * called {@link Flows#read} (the file may be decoded on another), so an implementation must be quick and
 * should not allocate; the {@link Packet} is the decoder's reusable view and must not be kept.
 */
@FunctionalInterface
public interface PacketListener {
    PacketListener NONE = p -> { };

    void packet(Packet p);
}
