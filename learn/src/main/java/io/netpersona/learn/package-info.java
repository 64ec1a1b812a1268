/**
 * From capture files to bidirectional flows, in constant memory and without allocating per packet.
 *
 * <h2>The pipeline</h2>
 * <pre>
 * CaptureReader.open(file)  -- next(Frame) -->  FlowMeter.accept(Frame)  -- sink -->  Flow (immutable record)
 *                                              (PacketDecoder -> Packet -> FlowTable)
 * </pre>
 * {@link io.netpersona.learn.Flows#read} runs it for one file and returns a {@link io.netpersona.learn.CaptureSummary}.
 * A live capture feeds frames of its own through {@link io.netpersona.learn.Frame#set} into the same
 * {@link io.netpersona.learn.FlowMeter}.
 *
 * <h2>Contracts</h2>
 * <ul>
 *   <li>{@link io.netpersona.learn.Frame} and {@link io.netpersona.learn.Packet} are reusable views, valid
 *       until the next frame: keep numbers from them, never the objects.</li>
 *   <li>{@link io.netpersona.learn.Flow} and everything in it is immutable and safe to keep and share.</li>
 *   <li>Readers, decoders and meters are single-threaded; use one per thread.</li>
 *   <li>A broken file ends with a {@link io.netpersona.learn.CaptureException} naming file and offset; a bad
 *       packet is a {@link io.netpersona.learn.DecodeResult} counted in {@link io.netpersona.learn.FlowMeter.Stats},
 *       never an exception.</li>
 *   <li>Memory is bounded: the reader's buffer, {@link io.netpersona.learn.FlowMeter.Options#maxFlows()} flow
 *       states (each bounded: first packets, a ClientHello of at most 16 KiB over TCP or 8 KiB over QUIC while
 *       it is reassembled, 24 bytes of each side's first payload,
 *       names of at most 255 characters), and 65,536 DNS answers.</li>
 * </ul>
 */
package io.netpersona.learn;
