package io.fulcrum.admin;

import io.fulcrum.admin.wire.ConnectionEntry;
import io.fulcrum.admin.wire.Status;
import java.util.List;

/** What the control channel reads: the daemon supplies one built on its table and engine. */
public interface StatusSource {

    /** The table now, for {@code GET /v1/status}. */
    Status status();

    /** The open connections now, for {@code GET /v1/connections}. */
    List<ConnectionEntry> connections();
}
