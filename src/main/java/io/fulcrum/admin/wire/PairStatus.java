package io.fulcrum.admin.wire;

import java.util.List;

/**
 * The router pair as {@code GET /v1/status} reports it.
 *
 * @param role               {@code standalone}, {@code primary} or {@code backup}
 * @param state              {@code active}, {@code standby}, {@code fault} or {@code leaving}
 * @param since              when this router entered the state (ISO-8601)
 * @param reason             why it is in the state
 * @param serving            the floating addresses are up and announced
 * @param floatingAddresses  the addresses this router holds now, as {@code ADDRESS/PREFIX on DEVICE}
 * @param partner            the partner, or null for a standalone router
 * @param links              the heartbeat links
 * @param authenticated      heartbeats carry an HMAC
 * @param configMismatch     the partner's lvs.cf differs from this router's
 * @param heartbeatsSent     heartbeats sent since start
 * @param heartbeatsReceived valid heartbeats received since start
 * @param heartbeatsRejected heartbeats rejected (bad MAC, replayed, unknown sender, ...)
 * @param lastRejection      why the last one was rejected, or null
 * @param takeovers          times this router became active since it started (a standalone router's start counts)
 */
public record PairStatus(String role, String state, String since, String reason, boolean serving,
        List<String> floatingAddresses, Partner partner, List<HeartbeatLink> links, boolean authenticated,
        boolean configMismatch, long heartbeatsSent, long heartbeatsReceived, long heartbeatsRejected,
        String lastRejection, long takeovers) {

    public PairStatus {
        floatingAddresses = List.copyOf(floatingAddresses);
        links = List.copyOf(links);
    }

    /**
     * The partner as its last heartbeat described it.
     *
     * @param address          its public address
     * @param alive            a valid heartbeat arrived within deadtime
     * @param role             its role, or null before its first heartbeat
     * @param state            its state, or null before its first heartbeat
     * @param lastHeardMillis  milliseconds since its last heartbeat on any link, or -1 for never
     * @param realServersUp    real servers in service there
     * @param realServersTotal real servers configured there
     */
    public record Partner(String address, boolean alive, String role, String state, long lastHeardMillis,
            int realServersUp, int realServersTotal) {}

    /**
     * One heartbeat link.
     *
     * @param name            {@code public} or {@code private}
     * @param address         this router's address on it
     * @param device          the interface carrying it, or null when unknown
     * @param link            the interface's state: {@code up}, {@code down} or {@code missing}
     * @param lastHeardMillis milliseconds since the partner's last heartbeat on this link, or -1 for never
     */
    public record HeartbeatLink(String name, String address, String device, String link, long lastHeardMillis) {}
}
