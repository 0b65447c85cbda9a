package io.fulcrum.model;

import java.util.Arrays;
import java.util.Optional;

/** The data plane that forwards connections (lvs.cf extension {@code engine}). */
public enum EngineKind {
    /** The user-space TCP/UDP proxy. */
    PROXY("proxy"),
    /** The kernel nftables fast path. */
    NFT("nft");

    private final String lvsName;

    EngineKind(String lvsName) {
        this.lvsName = lvsName;
    }

    public String lvsName() {
        return lvsName;
    }

    public static Optional<EngineKind> byLvsName(String name) {
        return Arrays.stream(values()).filter(e -> e.lvsName.equals(name)).findFirst();
    }
}
