package io.fulcrum.net;

import java.io.IOException;

/** A libc call that failed, with its errno so that callers can tell "no such device" from the rest. */
final class ErrnoException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    ErrnoException(String call, int errno) {
        super(call + ": " + Posix.strerror(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }

    int errno() {
        return errno;
    }
}
