package io.netpersona.lab.traffic;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One application process's options and its time: it runs until its deadline, which {@link #stopNow()}
 * (on SIGTERM) brings forward. Options were checked by {@link TrafficApp}; a bad one here is a bug.
 */
final class Run {
    final long startNanos = System.nanoTime();
    private final Map<String, String> args;
    private volatile long deadline;

    Run(Map<String, String> args) {
        this.args = Map.copyOf(args);
        this.deadline = startNanos + (long) (Double.parseDouble(args.getOrDefault("seconds", "10")) * 1e9);
    }

    boolean running() {
        return System.nanoTime() < deadline;
    }

    long deadline() {
        return deadline;
    }

    void stopNow() {
        deadline = Math.min(deadline, System.nanoTime());
    }

    String arg(String key) {
        String v = args.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is needed");
        }
        return v;
    }

    String arg(String key, String fallback) {
        return args.getOrDefault(key, fallback);
    }

    boolean has(String key) {
        return args.containsKey(key);
    }

    int intArg(String key, int fallback) {
        return Integer.parseInt(args.getOrDefault(key, Integer.toString(fallback)));
    }

    double doubleArg(String key, double fallback) {
        return Double.parseDouble(args.getOrDefault(key, Double.toString(fallback)));
    }

    InetSocketAddress endpoint(String key) {
        String text = arg(key);
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon).replaceAll("^\\[|\\]$", "");
        return new InetSocketAddress(InetAddress.ofLiteral(host), Integer.parseInt(text.substring(colon + 1)));
    }

    /** Sleeps until {@code nanos} on the clock of {@link System#nanoTime()}, or the deadline if that comes first. */
    void sleepUntil(long nanos) {
        long wait = Math.min(nanos, deadline) - System.nanoTime();
        if (wait <= 0) {
            return;
        }
        try {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static byte[] payload(int min, int max) {
        byte[] b = new byte[min + ThreadLocalRandom.current().nextInt(max - min + 1)];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
