package io.netpersona.learn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/** Reads captures into flows: the whole pipeline (reader, decoder, meter) for one file or stream at a time. */
public final class Flows {
    /** How often, in frames, a {@link Progress} hears from a reading. */
    public static final int PROGRESS_FRAMES = 1 << 16;

    private Flows() {
    }

    /** Hears how far a reading has come, every {@link #PROGRESS_FRAMES} frames and at its end. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (file, read, size, frames) -> { };

        void update(Path file, long bytesRead, long fileBytes, long frames);
    }

    /**
     * Reads one capture and hands every flow to {@code sink} as it ends (see {@link FlowMeter}); the
     * flows carry the file's name as their capture.
     *
     * @return what was read; a file broken in the middle still gives the flows before the break, and
     *     says where it broke in {@link CaptureSummary#problem()}
     * @throws CaptureException when the file cannot be opened or is not a capture
     */
    public static CaptureSummary read(Path file, FlowMeter.Options options, Consumer<Flow> sink, Progress progress) {
        return read(file, options, sink, PacketListener.NONE, progress);
    }

    /**
     * The same, with a listener that hears every packet that goes into a flow (on the calling thread, as the
     * sink does, even when the file is decoded on another: see {@link #TWO_THREADS_FROM}).
     */
    public static CaptureSummary read(Path file, FlowMeter.Options options, Consumer<Flow> sink, PacketListener listener,
            Progress progress) {
        if (twoThreads(file)) {
            return FlowPipeline.read(file, options, sink, listener, progress, PIPELINE_READS);
        }
        return readOnOneThread(file, options, sink, listener, progress);
    }

    /**
     * {@link #read(Path, FlowMeter.Options, Consumer, Progress)} for a sink that may run on a thread of its own:
     * for a large file it does (one call at a time, in the order the flows end), so that what it does with each
     * flow costs the reading no time on a machine with cores to spare. It has heard every flow when this returns.
     */
    public static CaptureSummary readHandingOff(Path file, FlowMeter.Options options, Consumer<Flow> sink,
            Progress progress) {
        if (twoThreads(file)) {
            return FlowPipeline.readHandingOff(file, options, sink, progress, PIPELINE_READS);
        }
        return readOnOneThread(file, options, sink, PacketListener.NONE, progress);
    }

    /**
     * {@link #readHandingOff} for a sink that reads each flow as it ends through an {@link EndedFlow} (valid only
     * during the call) instead of a {@link Flow} made for it: for sinks that write a row and forget the flow.
     */
    public static CaptureSummary readEndedHandingOff(Path file, FlowMeter.Options options, Consumer<EndedFlow> sink,
            Progress progress) {
        if (twoThreads(file)) {
            return FlowPipeline.readEndedHandingOff(file, options, sink, progress, PIPELINE_READS);
        }
        Path name = file.getFileName();
        String capture = name == null ? file.toString() : name.toString();
        try (CaptureReader reader = CaptureReader.open(file)) {
            FlowMeter meter = new FlowMeter(capture, options, f -> { });
            EndedFlow view = new EndedFlow(capture);
            meter.handEndedTo((state, end) -> sink.accept(view.of(state, end)));
            return read(reader, meter, progress);
        }
    }

    private static boolean twoThreads(Path file) {
        return TWO_THREADS_FROM >= 0 && Runtime.getRuntime().availableProcessors() > 1 && sizeOf(file) >= TWO_THREADS_FROM;
    }

    /**
     * Files at least this large are decoded on a thread of their own while the caller's thread meters (see
     * {@link FlowPipeline}); below it, a second thread costs more than it saves. Negative: never.
     */
    static final long TWO_THREADS_FROM = Long.getLong("netpersona.flows.twoThreadsFrom", 8L << 20);

    /**
     * How the pipeline reads a large file: copying reads, or with {@code -Dnetpersona.flows.mapped=true} mapped
     * windows of {@link CaptureReader#BUFFER_BYTES}. Copying is the default: on the shared 2-core machine the
     * mapped windows cost some 0.3 s more CPU for 2.15 GB (page faults and unmapping), not less.
     */
    private static final int PIPELINE_READS = Boolean.parseBoolean(System.getProperty("netpersona.flows.mapped", "false"))
            ? FlowPipeline.mapped(CaptureReader.BUFFER_BYTES) : ChunkedInput.READ_BYTES;

    private static long sizeOf(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : -1;
        } catch (IOException e) {
            // the reader names what is wrong with the file
            return -1;
        }
    }

    /** {@link #read(Path, FlowMeter.Options, Consumer, PacketListener, Progress)} on the calling thread alone. */
    static CaptureSummary readOnOneThread(Path file, FlowMeter.Options options, Consumer<Flow> sink,
            PacketListener listener, Progress progress) {
        Path name = file.getFileName();
        try (CaptureReader reader = CaptureReader.open(file)) {
            return read(reader, new FlowMeter(name == null ? file.toString() : name.toString(), options, sink, listener),
                    progress);
        }
    }

    /**
     * Reads a capture from a stream as it arrives (a live capture's pipe) until the stream ends; {@code name}
     * stands for it in flows and messages. The stream is closed at the end.
     *
     * @throws CaptureException when the stream does not start like a capture
     */
    public static CaptureSummary read(InputStream stream, String name, FlowMeter.Options options, Consumer<Flow> sink,
            PacketListener listener, Progress progress) {
        try (CaptureReader reader = CaptureReader.open(stream, name)) {
            return read(reader, new FlowMeter(name, options, sink, listener), progress);
        }
    }

    private static CaptureSummary read(CaptureReader reader, FlowMeter meter, Progress progress) {
        Path file = reader.file();
        Frame frame = new Frame();
        Optional<String> problem = Optional.empty();
        long frames = 0;
        try {
            while (reader.next(frame)) {
                meter.accept(frame);
                if ((++frames & (PROGRESS_FRAMES - 1)) == 0) {
                    progress.update(file, reader.position(), reader.size(), frames);
                }
            }
        } catch (CaptureException e) {
            problem = Optional.of(e.getMessage());
        } catch (RuntimeException e) {
            // a decoder bug must not cost the flows read so far; the message says where it struck
            problem = Optional.of(file + ": offset " + frame.fileOffset + ": frame " + frame.number
                    + ": internal error: " + e);
        }
        progress.update(file, reader.position(), reader.size(), frames);
        return new CaptureSummary(file, reader.format(), reader.size(), meter.finish(), problem);
    }

    /** {@link #read(Path, FlowMeter.Options, Consumer, Progress)} with the default options and no progress. */
    public static CaptureSummary read(Path file, Consumer<Flow> sink) {
        return read(file, FlowMeter.Options.DEFAULTS, sink, Progress.NONE);
    }
}
