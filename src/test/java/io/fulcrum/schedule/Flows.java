package io.fulcrum.schedule;

/** Flows for scheduler tests. */
final class Flows {

    /** A client of 203.0.113.7:40000 connecting to the VIP 10.0.0.100. */
    static final Flow ANY = toVip(0x0A000064);

    private Flows() {
    }

    static Flow toVip(int vipFold) {
        return new Flow.Fixed(0xCB007107, 40000, vipFold);
    }
}
