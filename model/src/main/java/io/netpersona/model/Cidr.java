package io.netpersona.model;

/**
 * A network prefix: {@code 10.201.2.0/24}, {@code fd00::/64}; a bare address means the single host
 * ({@code /32} or {@code /128}). Host bits must be zero, as nftables sets expect.
 */
public record Cidr(IpAddress network, int prefixLength) {
    static final String EXPECTED = "a CIDR such as 10.201.2.0/24 or fd00::/64";

    public Cidr {
        if (network == null || prefixLength < 0 || prefixLength > network.bits()) {
            throw new InvalidValueException(EXPECTED);
        }
    }

    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        IpAddress address;
        int prefix;
        try {
            address = IpAddress.parse(slash < 0 ? t : t.substring(0, slash));
        } catch (InvalidValueException e) {
            throw new InvalidValueException(EXPECTED);
        }
        if (slash < 0) {
            prefix = address.bits();
        } else {
            String p = t.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > address.bits()) {
                throw new InvalidValueException("a CIDR such as " + (address.isIpv4() ? "10.201.2.0/24" : "fd00::/64")
                        + ", with a prefix length of 0.." + address.bits());
            }
            prefix = Integer.parseInt(p);
        }
        byte[] bytes = address.bytes();
        byte[] masked = mask(bytes, prefix);
        if (!java.util.Arrays.equals(bytes, masked)) {
            String suggestion = new IpAddress(ofBytes(masked)).toString() + "/" + prefix;
            throw new InvalidValueException("a network address without host bits, such as " + suggestion);
        }
        return new Cidr(address, prefix);
    }

    public static Cidr host(IpAddress address) {
        return new Cidr(address, address.bits());
    }

    /** Whether {@code a} lies inside this prefix. */
    public boolean contains(IpAddress a) {
        return a.isIpv4() == network.isIpv4()
                && java.util.Arrays.equals(mask(a.bytes(), prefixLength), network.bytes());
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    private static java.net.InetAddress ofBytes(byte[] b) {
        try {
            return java.net.InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}
