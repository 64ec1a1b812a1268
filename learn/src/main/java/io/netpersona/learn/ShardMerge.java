package io.netpersona.learn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Where the metering thread's meter hands its ended flows when the decoding thread meters some shards of the
 * table itself ({@link FlowPipeline}): the flows the decoding thread's meter ended in a batch's frames are
 * interleaved with those the metering thread's meter ends in the same frames, in the order one meter would
 * have ended them all ({@link FlowState#endOrder}). Both meters see every frame, so the flows of both meters
 * that end at a frame are known by the time the metering thread is past it.
 */
final class ShardMerge implements BiConsumer<FlowState, Flow.End> {
    /** The flows the decoding thread's meter ended in one batch's frames, in the order it ended them. */
    static final class Ended {
        final List<FlowState> states = new ArrayList<>();
        final List<Flow.End> ends = new ArrayList<>();

        void add(FlowState f, Flow.End end) {
            states.add(f);
            ends.add(end);
        }

        void clear() {
            states.clear();
            ends.clear();
        }
    }

    private final BiConsumer<FlowState, Flow.End> out;
    private Ended other = new Ended();
    private int next;

    ShardMerge(BiConsumer<FlowState, Flow.End> out) {
        this.out = out;
    }

    /** The other meter's flows of the batch the metering thread meters next; those of the batch before are all out. */
    void batch(Ended ended) {
        other = ended;
        next = 0;
    }

    @Override
    public void accept(FlowState f, Flow.End end) {
        List<FlowState> states = other.states;
        while (next < states.size() && FlowState.endOrder(states.get(next), f) < 0) {
            out.accept(states.get(next), other.ends.get(next));
            next++;
        }
        out.accept(f, end);
    }

    /** Hands on the other meter's flows that ended before {@code frame} (every one: {@link Long#MAX_VALUE} and after). */
    void flushBefore(long frame) {
        List<FlowState> states = other.states;
        while (next < states.size() && states.get(next).endFrame < frame) {
            out.accept(states.get(next), other.ends.get(next));
            next++;
        }
    }

    /** Hands on every flow of the other meter still here (those it ended at the capture's end). */
    void flushAll() {
        List<FlowState> states = other.states;
        while (next < states.size()) {
            out.accept(states.get(next), other.ends.get(next));
            next++;
        }
    }
}
