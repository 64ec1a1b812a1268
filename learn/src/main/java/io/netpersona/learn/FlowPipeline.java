package io.netpersona.learn;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * {@link Flows#read} on two cores: a thread of its own reads and decodes frames in batches, the calling
 * thread meters them (and so calls the sink and the packet listener). The meter sees the same packets in
 * the same order as when one thread does both, so the flows, the counts and a problem's message are
 * exactly the same; only the progress reports may come at other points.
 *
 * <p>A batch holds the decoded frames that lie in one buffer of the reader's window. The window does not
 * compact a buffer that a batch still points into (payloads are read for names by the meter): it moves to
 * a free buffer, and the meter frees a buffer when it is done with its batch. Memory is {@link #BUFFERS}
 * buffers and their batches, whatever the size of the file.
 */
final class FlowPipeline {
    /** Buffers in circulation: one being filled, one being metered, one waiting between them. */
    static final int BUFFERS = 3;

    /** The decoded frames of one buffer, in file order. */
    static final class Batch {
        ByteBuffer buffer;
        /** For a mapped file: the arena of the batch's window, closed when the batch is done with. */
        java.lang.foreign.Arena arena;
        Packet[] packets = new Packet[0];
        DecodeResult[] results = new DecodeResult[0];
        long[] hashes = new long[0];
        long[] offsets = new long[0];
        long[] numbers = new long[0];
        int count;
        /** The reader's position after the batch's last frame. */
        long position;
        /** Set on the last batch: why the reading stopped early, or empty. */
        Optional<String> problem;
        /** Set on the last batch when the decoding thread died of an error. */
        Error error;
        /** The flows the decoding thread's meter ended in this batch's frames (and, on the last, at the end). */
        final ShardMerge.Ended ended = new ShardMerge.Ended();
        /** Set on the last batch: what the decoding thread's meter counted, or null when it meters nothing. */
        FlowMeter.Stats decoderStats;
        boolean last;

        /** The next slot, grown as needed: how many frames a buffer holds depends on their sizes. */
        Packet slot() {
            if (count == packets.length) {
                int n = Math.max(256, count * 2);
                Packet[] grown = java.util.Arrays.copyOf(packets, n);
                for (int i = count; i < n; i++) {
                    grown[i] = new Packet();
                }
                packets = grown;
                results = java.util.Arrays.copyOf(results, n);
                hashes = java.util.Arrays.copyOf(hashes, n);
                offsets = java.util.Arrays.copyOf(offsets, n);
                numbers = java.util.Arrays.copyOf(numbers, n);
            }
            return packets[count];
        }
    }

    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Batch> empty = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private Batch filling;
    private ChunkedInput in;
    /** Buffers made so far, the window's first included; more are made only when none is free. */
    private int allocated = 1;
    /** For a mapped file: windows that may be mapped beside the one being decoded. */
    private final java.util.concurrent.Semaphore windows = new java.util.concurrent.Semaphore(BUFFERS - 1);

    private FlowPipeline() {
        for (int i = 0; i <= BUFFERS; i++) {
            empty.add(new Batch());
        }
    }

    /** Reads {@code file} as {@link Flows#read} does, decoding on another thread; {@code readBytes} is one read's size. */
    static CaptureSummary read(Path file, FlowMeter.Options options, Consumer<Flow> sink, PacketListener listener,
            Flows.Progress progress, int readBytes) {
        return new FlowPipeline().run(file, options, sink, null, listener, progress, readBytes, -1);
    }

    /**
     * {@link #read} with {@code -windowBytes} as the read size means a mapped file: windows of that many bytes
     * mapped one after another instead of reads into buffers (see {@link ChunkedInput#ChunkedInput(Path,
     * ChunkedInput.Unmapping, int)}).
     */
    static int mapped(int windowBytes) {
        return -windowBytes;
    }

    /**
     * The same, with the sink on a third thread ({@link FlowHandOff}): it hears the same flows in the same order,
     * and has heard them all when this returns.
     */
    static CaptureSummary readHandingOff(Path file, FlowMeter.Options options, Consumer<Flow> sink,
            Flows.Progress progress, int readBytes) {
        return readHandingOff(file, options, sink, progress, readBytes, DECODER_SHARDS);
    }

    /** The same, with the decoding thread metering the first {@code decoderShards} shards of the table. */
    static CaptureSummary readHandingOff(Path file, FlowMeter.Options options, Consumer<Flow> sink,
            Flows.Progress progress, int readBytes, int decoderShards) {
        return new FlowPipeline().run(file, options, sink, null, PacketListener.NONE, progress, readBytes, decoderShards);
    }

    /** {@link #readHandingOff} for a sink of {@link EndedFlow}s, which need not be made into {@link Flow}s. */
    static CaptureSummary readEndedHandingOff(Path file, FlowMeter.Options options, Consumer<EndedFlow> sink,
            Flows.Progress progress, int readBytes) {
        return new FlowPipeline().run(file, options, f -> { }, sink, PacketListener.NONE, progress, readBytes,
                DECODER_SHARDS);
    }

    /**
     * Shards of the flow table ({@link FlowMeter#SHARDS}) that the decoding thread meters itself when flows are
     * handed off to a sink's thread ({@code -Dnetpersona.flows.decoderShards=N}), taking that share of the
     * metering off the other thread. None by default: on the shared 2-core machine each meter's walk over every
     * frame (its clock, its scans, the DNS answers) cost some 0.5 s more CPU for 6.9 M frames than the
     * balance saved; a machine with quiet cores may say otherwise.
     */
    static final int DECODER_SHARDS = Integer.getInteger("netpersona.flows.decoderShards", 0);

    private CaptureSummary run(Path file, FlowMeter.Options options, Consumer<Flow> sink, Consumer<EndedFlow> endedSink,
            PacketListener listener, Flows.Progress progress, int readBytes, int decoderShardCount) {
        // the sink is on a thread of its own (FlowHandOff) unless decoderShardCount is negative
        Path name = file.getFileName();
        String capture = name == null ? file.toString() : name.toString();
        // only where the sink is on a thread of its own: its flows come in the same order, but a sink that throws
        // would stop the reading at another frame than with one meter
        boolean handOff = decoderShardCount >= 0;
        int decoderShards = handOff && listener == PacketListener.NONE
                ? (int) ((1L << Math.min(decoderShardCount, FlowMeter.SHARDS)) - 1) : 0;
        FlowMeter meter = new FlowMeter(capture, options, sink, listener, FlowMeter.ALL_SHARDS & ~decoderShards);
        Consumer<EndedFlow> rows = endedSink != null ? endedSink : e -> sink.accept(e.flow());
        FlowHandOff out = handOff ? new FlowHandOff(meter, rows, capture) : null;
        if (out != null && decoderShards == 0) {
            // with shards metered on the decoding thread too, the flows' order across threads is the merge's
            meter.openQuicWith(out::quic);
        }
        ShardMerge merge = null;
        FlowMeter decoderMeter = null;
        if (decoderShards != 0) {
            merge = new ShardMerge(meter.endedTo());
            meter.handEndedTo(merge);
            decoderMeter = new FlowMeter(capture, options, f -> { }, PacketListener.NONE, decoderShards);
            decoderMeter.handEndedTo((f, end) -> filling.ended.add(f, end));
        }
        FlowMeter shared = decoderMeter;
        try (CaptureReader reader = open(file, readBytes)) {
            if (filling == null) {
                filling = take(empty);
                filling.buffer = in.buf;
            }
            Thread decoding = Thread.ofPlatform().name("decode " + name).daemon().start(
                    () -> decode(reader, new PacketDecoder(options.tunnels(), options.wholePacketsOnly(), options.arp()), shared));
            Optional<String> problem = Optional.empty();
            FlowMeter.Stats decoderStats = null;
            long frames = 0;
            try {
                while (true) {
                    Batch b = take(full);
                    if (merge != null) {
                        merge.batch(b.ended);
                    }
                    int i = 0;
                    try {
                        for (; i < b.count; i++) {
                            meter.accept(b.results[i], b.packets[i], b.hashes[i]);
                        }
                    } catch (RuntimeException e) {
                        problem = Optional.of(file + ": offset " + b.offsets[i] + ": frame " + b.numbers[i]
                                + ": internal error: " + e);
                        recycle(b);
                        break;
                    }
                    if (merge != null) {
                        merge.flushBefore(Long.MAX_VALUE);
                    }
                    if (out != null) {
                        out.flush();
                    }
                    long before = frames;
                    frames += b.count;
                    if (before / Flows.PROGRESS_FRAMES != frames / Flows.PROGRESS_FRAMES) {
                        progress.update(file, b.position, reader.size(), frames);
                    }
                    if (b.last) {
                        if (b.error != null) {
                            throw b.error;
                        }
                        problem = b.problem;
                        decoderStats = b.decoderStats;
                        progress.update(file, b.position, reader.size(), frames);
                        break;
                    }
                    recycle(b);
                }
            } finally {
                decoding.interrupt();
                join(decoding);
                unmapLeftovers();
            }
            FlowMeter.Stats stats = meter.finish();
            if (merge != null) {
                merge.flushAll();
            }
            if (decoderStats != null) {
                stats = sum(stats, decoderStats);
            }
            if (out != null) {
                out.close();
            }
            return new CaptureSummary(file, reader.format(), reader.size(), stats, problem);
        } finally {
            if (out != null) {
                // the reading failed before the last flows: the sink's thread must not wait for them
                out.abandon();
            }
        }
    }

    /** Opens the file as {@link CaptureReader#open} does, with a window that moves between buffers. */
    private CaptureReader open(Path file, int readBytes) {
        ChunkedInput in;
        try {
            in = readBytes < 0 ? new ChunkedInput(file, this::retireMapped, -readBytes)
                    : new ChunkedInput(file, CaptureReader.BUFFER_BYTES, this::retire, readBytes);
        } catch (NoSuchFileException e) {
            throw new CaptureException(file, -1, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new CaptureException(file, -1, "permission denied", e);
        } catch (IOException e) {
            throw new CaptureException(file, -1, "cannot open: " + e.getMessage(), e);
        }
        this.in = in;
        return FileCaptureReader.open(in);
    }

    /**
     * The counts of two meters of one capture, each keeping some shards: they saw the same frames and DNS
     * answers, and kept different flows.
     */
    private static FlowMeter.Stats sum(FlowMeter.Stats a, FlowMeter.Stats b) {
        return new FlowMeter.Stats(a.frames(), a.bytes(), a.flows() + b.flows(), a.openFlows() + b.openFlows(),
                a.evicted() + b.evicted(), a.cutShort() + b.cutShort(), a.dnsNames(), a.results());
    }

    /**
     * The decoding thread: every frame into the batch of its buffer, a batch handed on when its buffer is left;
     * with {@code meter}, each frame also metered there at once, while it is in this core's cache.
     */
    private void decode(CaptureReader reader, PacketDecoder decoder, FlowMeter meter) {
        Frame frame = new Frame();
        Optional<String> problem = Optional.empty();
        Error error = null;
        try {
            while (reader.next(frame)) {
                Batch b = filling;
                Packet p = b.slot();
                DecodeResult r = decoder.decode(frame, p);
                int i = b.count;
                long hash = r.inFlow() ? FlowTable.hash(p) : 0;
                b.results[i] = r;
                b.hashes[i] = hash;
                b.offsets[i] = frame.fileOffset;
                b.numbers[i] = frame.number;
                if (meter != null) {
                    meter.accept(r, p, hash);
                }
                // counted once metered: a frame the meter here failed on is not metered by the other either
                b.count = i + 1;
            }
        } catch (CaptureException e) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            problem = Optional.of(e.getMessage());
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            problem = Optional.of(reader.file() + ": offset " + frame.fileOffset + ": frame " + frame.number
                    + ": internal error: " + e);
        } catch (Error e) {
            // handed to the meter's thread, which would otherwise wait for a batch that never comes
            error = e;
        }
        Batch b = filling;
        if (meter != null && error == null) {
            try {
                b.decoderStats = meter.finish();
            } catch (RuntimeException e) {
                problem = Optional.of(problem.orElse(reader.file() + ": internal error at the end: " + e));
            }
        }
        b.problem = problem;
        b.error = error;
        b.last = true;
        b.position = reader.position();
        full.add(b);
    }

    /** On the decoding thread: the window leaves {@code retired}; its batch goes to the meter. */
    private ByteBuffer retire(ByteBuffer retired) throws InterruptedIOException {
        try {
            Batch b = filling;
            if (b == null) {
                // still opening: no frame has been handed out of this buffer
                free.add(retired);
            } else {
                b.position = in.offset();
                full.add(b);
            }
            if (free.isEmpty() && allocated < BUFFERS) {
                allocated++;
                free.add(ByteBuffer.allocateDirect(retired.capacity()).order(ByteOrder.BIG_ENDIAN));
            }
            ByteBuffer next = free.take();
            Batch fresh = empty.take();
            fresh.buffer = next;
            filling = fresh;
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the reading was stopped");
        }
    }

    /** On the decoding thread, for a mapped file: the input leaves a window; its batch goes to the meter. */
    private void retireMapped(ByteBuffer retired, java.lang.foreign.Arena arena) throws InterruptedIOException {
        try {
            Batch b = filling;
            if (b == null) {
                // still opening: no frame has been handed out of this window
                arena.close();
            } else {
                b.arena = arena;
                b.position = in.offset();
                full.add(b);
                filling = empty.take();
            }
            windows.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the reading was stopped");
        }
    }

    /** Unmaps the windows of batches that no one will meter (the reading stopped early). */
    private void unmapLeftovers() {
        for (Batch b; (b = full.poll()) != null; ) {
            if (b.arena != null) {
                b.arena.close();
                b.arena = null;
            }
        }
    }

    private void recycle(Batch b) {
        if (b.arena != null) {
            b.arena.close();
            b.arena = null;
            windows.release();
        } else {
            free.add(b.buffer);
        }
        b.buffer = null;
        b.count = 0;
        b.ended.clear();
        empty.add(b);
    }

    private static <T> T take(BlockingQueue<T> q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading a capture", e);
        }
    }

    private static void join(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
