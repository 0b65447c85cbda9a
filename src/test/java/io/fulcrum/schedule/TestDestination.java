package io.fulcrum.schedule;

import java.util.ArrayList;
import java.util.List;

/** A mutable real server for scheduler tests: the test sets counters and flags between picks. */
public final class TestDestination implements Destination {

    private final String name;
    private int weight;
    private int lastWeight;
    private int active;
    private int inactive;
    private boolean overloaded;
    private final int addressFold;
    private final int port;

    public TestDestination(String name, int weight, int addressFold, int port) {
        this.name = name;
        this.addressFold = addressFold;
        this.port = port;
        weight(weight);
    }

    public TestDestination(String name, int weight) {
        this(name, weight, 0x0A000000 + name.hashCode() % 0xFFFF, 80);
    }

    /** Pool of destinations named A, B, C, ... with the given weights and distinct addresses 10.0.0.1.. */
    public static List<TestDestination> pool(int... weights) {
        List<TestDestination> pool = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            pool.add(new TestDestination(name(i), weights[i], 0x0A000001 + i, 80));
        }
        return pool;
    }

    /** A, B, ..., Z, then d26, d27, ... */
    public static String name(int index) {
        return index < 26 ? String.valueOf((char) ('A' + index)) : "d" + index;
    }

    public TestDestination weight(int newWeight) {
        weight = newWeight;
        if (newWeight > 0) {
            lastWeight = newWeight;
        }
        return this;
    }

    public TestDestination connections(int activeConnections, int inactiveConnections) {
        active = activeConnections;
        inactive = inactiveConnections;
        return this;
    }

    public TestDestination overloaded(boolean flag) {
        overloaded = flag;
        return this;
    }

    public String name() {
        return name;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public int lastWeight() {
        return lastWeight;
    }

    @Override
    public int activeConnections() {
        return active;
    }

    @Override
    public int inactiveConnections() {
        return inactive;
    }

    @Override
    public boolean overloaded() {
        return overloaded;
    }

    @Override
    public int addressFold() {
        return addressFold;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String toString() {
        return name;
    }
}
