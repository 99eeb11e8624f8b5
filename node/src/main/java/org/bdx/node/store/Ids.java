package org.bdx.node.store;

import java.security.SecureRandom;
import java.util.Objects;

/** Report and alert ids: 26 characters, lower-case RFC 4648 base32 (no padding) of 16 random bytes. */
public final class Ids {

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    public static final int LENGTH = 26;

    private Ids() {}

    public static String newId(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return base32(bytes);
    }

    /** Whether {@code s} has the shape of an id (26 characters of the lower-case base32 alphabet). */
    public static boolean isValid(String s) {
        if (s == null || s.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
                return false;
            }
        }
        // 128 bits in 26 characters: the last character carries 3 bits, the rest must be 0.
        int last = indexOf(s.charAt(LENGTH - 1));
        return (last & 0b11) == 0;
    }

    static String base32(byte[] bytes) {
        StringBuilder sb = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }

    private static int indexOf(char c) {
        return c >= 'a' ? c - 'a' : c - '2' + 26;
    }
}
