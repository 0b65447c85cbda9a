package io.fulcrum.admin;

import io.fulcrum.admin.wire.ReloadOutcome;

/**
 * Reloads the daemon's configuration file for {@code POST /v1/reload}. The daemon validates the
 * whole file first: a rejected file changes nothing and its errors are returned.
 */
@FunctionalInterface
public interface ReloadHandler {

    ReloadOutcome reload();
}
