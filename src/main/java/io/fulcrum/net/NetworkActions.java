package io.fulcrum.net;

import java.util.Objects;

/**
 * The privileged actions a router takes on its host: addresses, announcements and link state.
 *
 * @param addresses puts virtual addresses on and takes them off the interfaces
 * @param announcer tells the network that an address moved here
 * @param links     reads whether an interface is up with a carrier
 * @param secondChance forwards a leaving partner's connections to it during a planned switch
 */
public record NetworkActions(Addresses addresses, Announcer announcer, Links links, SecondChance secondChance) {

    public NetworkActions {
        Objects.requireNonNull(addresses, "addresses");
        Objects.requireNonNull(announcer, "announcer");
        Objects.requireNonNull(links, "links");
        Objects.requireNonNull(secondChance, "secondChance");
    }

    /** The real implementations, acting on the network namespace this process runs in. */
    public static NetworkActions host() {
        return new NetworkActions(new NetlinkAddresses(), new PacketAnnouncer(), new IoctlLinks(), new NftSecondChance());
    }
}
