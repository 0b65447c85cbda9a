package io.fulcrum.net;

/** The state of a local interface's link, as pulse's {@code monitor_links} read it. */
public interface Links {

    enum LinkState {
        /** Administratively up and with a carrier. */
        UP,
        /** Down, or up without a carrier (cable out, peer gone). */
        DOWN,
        /** No such interface. */
        MISSING
    }

    LinkState state(String device);
}
