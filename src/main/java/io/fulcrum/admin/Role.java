package io.fulcrum.admin;

import java.util.Locale;
import java.util.Optional;

/** What an API user may do: a viewer reads (GET), an admin also writes. */
public enum Role {
    VIEWER,
    ADMIN;

    public String lvsName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> byName(String name) {
        for (Role role : values()) {
            if (role.lvsName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
