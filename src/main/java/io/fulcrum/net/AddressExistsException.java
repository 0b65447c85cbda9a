package io.fulcrum.net;

import java.io.IOException;

/** {@link Addresses#add} found the address already on the device: somebody else holds it. */
public final class AddressExistsException extends IOException {

    private static final long serialVersionUID = 1L;

    public AddressExistsException(String message) {
        super(message);
    }
}
