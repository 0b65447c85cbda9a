package io.fulcrum.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The few libc calls the privileged actions need (Linux, x86-64 and aarch64 layouts), each
 * throwing {@link ErrnoException} with the errno captured right after the call.
 */
final class Posix {

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int ENODEV = 19;
    static final int ENXIO = 6;
    static final int EEXIST = 17;
    static final int EADDRNOTAVAIL = 99;
    static final int MSG_DONTWAIT = 0x40;

    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCGIFHWADDR = 0x8927;

    /** struct ifreq: a 16-byte name followed by a 24-byte union. */
    static final int IFREQ_SIZE = 40;
    static final int IFNAMSIZ = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SENDTO = downcall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),
            CAPTURE_ERRNO);
    private static final MethodHandle RECV = downcall("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle IF_NAMETOINDEX = downcall("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle IF_INDEXTONAME = downcall("if_indextoname",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GETTID = downcall("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SCHED_SETSCHEDULER = downcall("sched_setscheduler",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle SETPRIORITY = downcall("setpriority",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle STRERROR = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Posix() {
    }

    // Native access is granted to the jar (Enable-Native-Access) and to the tests (surefire argLine).
    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name + "()"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    static int socket(int domain, int type, int protocol) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, domain, type, protocol);
            if (fd < 0) {
                throw new ErrnoException("socket", errno(state));
            }
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("socket() downcall", t);
        }
    }

    static void ioctl(int fd, long request, MemorySegment argument, String what) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) IOCTL.invokeExact(state, fd, request, argument);
            if (result < 0) {
                throw new ErrnoException(what, errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("ioctl() downcall", t);
        }
    }

    static void sendto(int fd, MemorySegment buffer, MemorySegment address) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long sent = (long) SENDTO.invokeExact(state, fd, buffer, buffer.byteSize(), 0,
                    address, (int) address.byteSize());
            if (sent < 0) {
                throw new ErrnoException("sendto", errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("sendto() downcall", t);
        }
    }

    /** Receives one datagram into {@code buffer} and returns its length. */
    static int recv(int fd, MemorySegment buffer, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long received = (long) RECV.invokeExact(state, fd, buffer, buffer.byteSize(), flags);
            if (received < 0) {
                throw new ErrnoException("recv", errno(state));
            }
            return (int) received;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("recv() downcall", t);
        }
    }

    /** The interface index of {@code device} in the calling thread's network namespace. */
    static int ifNameToIndex(String device) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int index = (int) IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom(device));
            if (index == 0) {
                throw new ErrnoException("if_nametoindex(" + device + ")", errno(state));
            }
            return index;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("if_nametoindex() downcall", t);
        }
    }

    /** The name of interface {@code index} in the calling thread's network namespace. */
    static String ifIndexToName(int index) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment name = arena.allocate(IFNAMSIZ);
            MemorySegment result = (MemorySegment) IF_INDEXTONAME.invokeExact(state, index, name);
            if (result.equals(MemorySegment.NULL)) {
                throw new ErrnoException("if_indextoname(" + index + ")", errno(state));
            }
            return name.getString(0);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("if_indextoname() downcall", t);
        }
    }

    /** The kernel's id of the calling thread. */
    static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("gettid() downcall", t);
        }
    }

    /** {@code sched_setscheduler(tid, policy, {priority})}. */
    static void schedSetScheduler(int tid, int policy, int priority) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) SCHED_SETSCHEDULER.invokeExact(state, tid, policy, arena.allocateFrom(JAVA_INT, priority));
            if (result < 0) {
                throw new ErrnoException("sched_setscheduler", errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("sched_setscheduler() downcall", t);
        }
    }

    /** {@code setpriority(PRIO_PROCESS, tid, nice)}: on Linux, the nice value of one thread. */
    static void setThreadNice(int tid, int nice) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) SETPRIORITY.invokeExact(state, 0, tid, nice);
            if (result < 0) {
                throw new ErrnoException("setpriority", errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("setpriority() downcall", t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new AssertionError("close() downcall", t);
        }
    }

    @SuppressWarnings("restricted") // strerror returns a NUL-terminated string of unknown length
    static String strerror(int errno) {
        try {
            MemorySegment message = (MemorySegment) STRERROR.invokeExact(errno);
            return message.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw new AssertionError("strerror() downcall", t);
        }
    }

    /**
     * A zeroed struct ifreq naming {@code device}; a name that cannot fit is reported as
     * ENODEV, which is what the kernel would say about it.
     */
    static MemorySegment ifreq(Arena arena, String device) throws ErrnoException {
        byte[] name = device.getBytes(StandardCharsets.US_ASCII);
        if (name.length == 0 || name.length >= IFNAMSIZ) {
            throw new ErrnoException("interface name '" + device + "'", ENODEV);
        }
        MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
        MemorySegment.copy(name, 0, ifreq, JAVA_BYTE, 0, name.length);
        return ifreq;
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
