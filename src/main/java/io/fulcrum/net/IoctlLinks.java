package io.fulcrum.net;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Link state from SIOCGIFFLAGS on a socket made for each call. The socket belongs to the
 * calling thread's network namespace, so a thread that entered another namespace sees that
 * namespace's links (sysfs would show the namespace it was mounted in).
 */
public final class IoctlLinks implements Links {

    private static final int IFF_UP = 0x1;
    /** Set by the kernel only while the link is up with a carrier (operstate up). */
    private static final int IFF_RUNNING = 0x40;
    private static final long IFR_FLAGS_OFFSET = 16;

    @Override
    public LinkState state(String device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = Posix.ifreq(arena, device);
            int fd = Posix.socket(Posix.AF_INET, Posix.SOCK_DGRAM | Posix.SOCK_CLOEXEC, 0);
            try {
                Posix.ioctl(fd, Posix.SIOCGIFFLAGS, ifreq, "SIOCGIFFLAGS on " + device);
            } finally {
                Posix.close(fd);
            }
            int flags = Short.toUnsignedInt(ifreq.get(JAVA_SHORT, IFR_FLAGS_OFFSET));
            return (flags & IFF_UP) != 0 && (flags & IFF_RUNNING) != 0 ? LinkState.UP : LinkState.DOWN;
        } catch (ErrnoException e) {
            if (e.errno() == Posix.ENODEV || e.errno() == Posix.ENXIO) {
                return LinkState.MISSING;
            }
            throw new UncheckedIOException("cannot read the link state of " + device + ": " + e.getMessage(), e);
        }
    }
}
