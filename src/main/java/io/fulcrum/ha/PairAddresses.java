package io.fulcrum.ha;

import io.fulcrum.model.AddressText;
import io.fulcrum.model.RouterPair;
import io.fulcrum.net.Addresses;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Which router of the pair this one is, found as pulse found it: from the addresses this host
 * holds, so that both routers run the same lvs.cf.
 *
 * @param role           primary or backup
 * @param ownPublic      this router's public address (heartbeats are sent from it)
 * @param ownPrivate     this router's private address, when a private link is configured
 * @param partnerPublic  the partner's public address
 * @param partnerPrivate the partner's private address, when a private link is configured
 */
public record PairAddresses(RouterRole role, InetAddress ownPublic, Optional<InetAddress> ownPrivate,
        InetAddress partnerPublic, Optional<InetAddress> partnerPrivate) {

    /**
     * Resolves the role of this host in {@code pair} (which has {@code backup_active = 1}).
     *
     * @throws IllegalStateException when this host holds neither router's public address
     */
    public static PairAddresses resolve(RouterPair pair, Addresses addresses) throws IOException {
        InetAddress primary = pair.primary().orElseThrow(() -> new IllegalStateException("primary is not set"));
        InetAddress backup = pair.backup().orElseThrow(() -> new IllegalStateException("backup is not set"));
        boolean holdsPrimary = addresses.deviceOf(primary).isPresent();
        boolean holdsBackup = addresses.deviceOf(backup).isPresent();
        if (holdsPrimary && holdsBackup) {
            throw new IllegalStateException("this host holds both the primary (" + AddressText.of(primary)
                    + ") and the backup (" + AddressText.of(backup) + ") address; each router must hold only its own");
        }
        if (holdsPrimary) {
            return new PairAddresses(RouterRole.PRIMARY, primary, pair.primaryPrivate(), backup, pair.backupPrivate());
        }
        if (holdsBackup) {
            return new PairAddresses(RouterRole.BACKUP, backup, pair.backupPrivate(), primary, pair.primaryPrivate());
        }
        throw new IllegalStateException("this host holds neither the primary address " + AddressText.of(primary)
                + " nor the backup address " + AddressText.of(backup)
                + " (lvs.cf primary / backup): put this router's public address on an interface, or fix the file");
    }

    /** The partner's address on a link, if that link exists. */
    public Optional<InetAddress> partner(Election.Link link) {
        return link == Election.Link.PUBLIC ? Optional.of(partnerPublic) : partnerPrivate;
    }

    /** This router's address on a link, if that link exists. */
    public Optional<InetAddress> own(Election.Link link) {
        return link == Election.Link.PUBLIC ? Optional.of(ownPublic) : ownPrivate;
    }
}
