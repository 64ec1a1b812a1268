package io.netpersona.learn.classify;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A random forest, as flat arrays: node {@code i} of a tree splits on {@code feature[i]} at
 * {@code threshold[i]} (values at or below go to node {@code i + 1}, the others to {@code next[i]}), or is
 * a leaf ({@code feature[i] < 0}) whose class probabilities start at {@code next[i]} in {@link #leaves}.
 * Leaf probabilities are kept in steps of 1/65535, as the file stores them, so a trained forest and the
 * same forest read back answer the same.
 *
 * <p>The file: the magic {@code NPRF}, a version, the class count, the feature names (a model refuses
 * features it was not trained on), then each tree's nodes. It is not compressed: deflated bytes depend on
 * the zlib at hand, and the file must come out the same wherever it is rebuilt (the jar compresses it).
 */
final class Forest {
    static final int MAGIC = 0x4e505246, VERSION = 2;
    static final int SCALE = 65535;

    final List<String> features;
    final int classes;
    private final int[] roots;
    private final short[] feature;
    private final float[] threshold;
    private final int[] next;
    private final float[] leaves;

    Forest(List<String> features, int classes, int[] roots, short[] feature, float[] threshold, int[] next, float[] leaves) {
        this.features = List.copyOf(features);
        this.classes = classes;
        this.roots = roots;
        this.feature = feature;
        this.threshold = threshold;
        this.next = next;
        this.leaves = leaves;
    }

    int trees() {
        return roots.length;
    }

    int nodes() {
        return feature.length;
    }

    /** The mean of the trees' leaf probabilities for {@code x}. */
    double[] probabilities(float[] x) {
        double[] p = new double[classes];
        for (int root : roots) {
            int i = root;
            while (feature[i] >= 0) {
                i = x[feature[i]] <= threshold[i] ? i + 1 : next[i];
            }
            int at = next[i];
            for (int c = 0; c < classes; c++) {
                p[c] += leaves[at + c];
            }
        }
        for (int c = 0; c < classes; c++) {
            p[c] /= roots.length;
        }
        return p;
    }

    static float quantised(double probability) {
        return Math.round(probability * SCALE) / (float) SCALE;
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(classes);
            out.writeInt(features.size());
            for (String f : features) {
                out.writeUTF(f);
            }
            out.writeInt(roots.length);
            for (int t = 0; t < roots.length; t++) {
                int end = t + 1 < roots.length ? roots[t + 1] : feature.length;
                out.writeInt(end - roots[t]);
                for (int i = roots[t]; i < end; i++) {
                    out.writeShort(feature[i]);
                    if (feature[i] >= 0) {
                        out.writeFloat(threshold[i]);
                        out.writeInt(next[i] - roots[t]);
                    } else {
                        for (int c = 0; c < classes; c++) {
                            out.writeShort(Math.round(leaves[next[i] + c] * SCALE));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a forest written by {@link #toBytes()}.
     *
     * @throws IOException when the data is not such a forest, naming what is wrong
     */
    static Forest read(InputStream in, String source) throws IOException {
        try (DataInputStream d = new DataInputStream(new BufferedInputStream(in))) {
            if (d.readInt() != MAGIC) {
                throw new IOException(source + ": not a netpersona forest (expected: magic NPRF)");
            }
            int version = d.readInt();
            if (version != VERSION) {
                throw new IOException(source + ": version " + version + " (expected: " + VERSION + ")");
            }
            int classes = d.readInt();
            int count = d.readInt();
            if (classes < 2 || classes > 64 || count < 1 || count > 4096) {
                throw new IOException(source + ": " + classes + " classes, " + count + " features (expected: 2..64, 1..4096)");
            }
            String[] names = new String[count];
            for (int i = 0; i < count; i++) {
                names[i] = d.readUTF();
            }
            int trees = d.readInt();
            if (trees < 1 || trees > 100_000) {
                throw new IOException(source + ": " + trees + " trees (expected: 1..100000)");
            }
            int[] roots = new int[trees];
            Growable g = new Growable(classes);
            for (int t = 0; t < trees; t++) {
                int n = d.readInt();
                if (n < 1 || n > 1 << 22) {
                    throw new IOException(source + ": tree " + t + ": " + n + " nodes (expected: 1..4194304)");
                }
                int root = g.size;
                roots[t] = root;
                for (int i = 0; i < n; i++) {
                    short f = d.readShort();
                    if (f >= count) {
                        throw new IOException(source + ": tree " + t + " node " + i + ": feature " + f
                                + " (expected: below " + count + ")");
                    }
                    if (f >= 0) {
                        float threshold = d.readFloat();
                        int right = d.readInt();
                        if (right <= i + 1 || right >= n) {
                            throw new IOException(source + ": tree " + t + " node " + i + ": right child " + right
                                    + " (expected: " + (i + 2) + ".." + (n - 1) + ")");
                        }
                        g.split(f, threshold, root + right);
                    } else {
                        float[] p = new float[classes];
                        for (int c = 0; c < classes; c++) {
                            p[c] = d.readUnsignedShort() / (float) SCALE;
                        }
                        g.leaf(p);
                    }
                }
            }
            if (d.read() != -1) {
                throw new IOException(source + ": bytes after the last tree (expected: the end of the model)");
            }
            return g.forest(List.of(names), roots);
        } catch (java.io.EOFException e) {
            throw new IOException(source + ": cut short (expected: every tree's nodes)", e);
        }
    }

    /** Nodes appended in the order of a depth-first walk, left before right. */
    static final class Growable {
        private final int classes;
        short[] feature = new short[1024];
        float[] threshold = new float[1024];
        int[] next = new int[1024];
        float[] leaves = new float[1024];
        int size, leafSize;

        Growable(int classes) {
            this.classes = classes;
        }

        int split(int f, float t, int right) {
            grow();
            feature[size] = (short) f;
            threshold[size] = t;
            next[size] = right;
            return size++;
        }

        int leaf(float[] p) {
            grow();
            if (leafSize + classes > leaves.length) {
                leaves = java.util.Arrays.copyOf(leaves, leaves.length * 2);
            }
            feature[size] = -1;
            next[size] = leafSize;
            System.arraycopy(p, 0, leaves, leafSize, classes);
            leafSize += classes;
            return size++;
        }

        void right(int node, int right) {
            next[node] = right;
        }

        /** Appends the nodes of another tree (grown from 0); returns where its root now is. */
        int append(Growable tree) {
            int base = size, leafBase = leafSize;
            for (int i = 0; i < tree.size; i++) {
                if (tree.feature[i] >= 0) {
                    split(tree.feature[i], tree.threshold[i], base + tree.next[i]);
                } else {
                    leaf(java.util.Arrays.copyOfRange(tree.leaves, tree.next[i], tree.next[i] + classes));
                }
            }
            assert leafSize - leafBase == tree.leafSize;
            return base;
        }

        private void grow() {
            if (size == feature.length) {
                feature = java.util.Arrays.copyOf(feature, size * 2);
                threshold = java.util.Arrays.copyOf(threshold, size * 2);
                next = java.util.Arrays.copyOf(next, size * 2);
            }
        }

        Forest forest(List<String> names, int[] roots) {
            return new Forest(names, classes, roots, java.util.Arrays.copyOf(feature, size),
                    java.util.Arrays.copyOf(threshold, size), java.util.Arrays.copyOf(next, size),
                    java.util.Arrays.copyOf(leaves, leafSize));
        }
    }
}
