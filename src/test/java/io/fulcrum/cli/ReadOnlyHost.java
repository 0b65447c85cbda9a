package io.fulcrum.cli;

import io.fulcrum.net.Addresses;
import io.fulcrum.net.HostAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A host with these devices and their own addresses, for `check`, which only reads them. */
record ReadOnlyHost(Map<String, List<HostAddress>> devices) implements Addresses {

    @Override
    public List<HostAddress> on(String device) throws IOException {
        List<HostAddress> own = devices.get(device);
        if (own == null) {
            throw new IOException("this host has no device " + device);
        }
        return own;
    }

    @Override
    public Optional<String> deviceOf(InetAddress address) {
        throw new UnsupportedOperationException("check only reads");
    }

    @Override
    public void add(HostAddress address) {
        throw new UnsupportedOperationException("check changes nothing");
    }

    @Override
    public void remove(HostAddress address) {
        throw new UnsupportedOperationException("check changes nothing");
    }

    @Override
    public boolean routed(HostAddress address) {
        throw new UnsupportedOperationException("check adds no address, so it waits for none");
    }
}
