package org.bdx.conformance;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * The wire-format rules of spec PB-1 that protobuf-java does not enforce: it reads a tag and a
 * length modulo 2^32. The suite checks them itself on the bytes a signature or digest covers, as
 * PB-1 requires of an implementation built on such a library: every tag at most 2^32 − 1 (field
 * number 1..2^29 − 1, wire type not 6 or 7), varints of at most 10 bytes, lengths and fixed-width
 * values within the message, groups matched, in the message and each embedded message its
 * descriptor names.
 */
public final class SpecWire {
  /** As protobuf-java's default recursion limit. */
  private static final int MAX_DEPTH = 100;

  private SpecWire() {}

  /** Whether {@code bytes}, read as a {@code type}, follow the rules above. */
  public static boolean wellFormed(byte[] bytes, Descriptor type) {
    try {
      new Reader(bytes).message(0, bytes.length, type, 0);
      return true;
    } catch (Malformed e) {
      return false;
    }
  }

  private static final class Malformed extends Exception {
    Malformed() {
      super(null, null, false, false);
    }
  }

  private static final class Reader {
    private final byte[] b;
    private int pos;

    Reader(byte[] b) {
      this.b = b;
    }

    /** Reads fields from {@code start} to {@code end}; {@code type} null for an unknown group. */
    void message(int start, int end, Descriptor type, int depth) throws Malformed {
      if (depth > MAX_DEPTH) {
        throw new Malformed();
      }
      pos = start;
      while (pos < end) {
        long tag = tag(end);
        int number = (int) (tag >>> 3);
        int wireType = (int) (tag & 7);
        if (wireType == 4) {
          throw new Malformed(); // an end group without its start
        }
        FieldDescriptor fd = type == null ? null : type.findFieldByNumber(number);
        value(end, number, wireType, fd, depth);
      }
      if (pos != end) {
        throw new Malformed();
      }
    }

    private long tag(int end) throws Malformed {
      long tag = varint(end);
      if (tag < 0 || tag > 0xFFFF_FFFFL || (tag >>> 3) == 0) {
        throw new Malformed(); // wider than 32 bits, or field number 0
      }
      int wireType = (int) (tag & 7);
      if (wireType == 6 || wireType == 7) {
        throw new Malformed();
      }
      return tag;
    }

    private void value(int end, int number, int wireType, FieldDescriptor fd, int depth)
        throws Malformed {
      switch (wireType) {
        case 0 -> varint(end);
        case 1 -> skip(end, 8);
        case 5 -> skip(end, 4);
        case 2 -> {
          long length = varint(end);
          if (length < 0 || length > end - pos) {
            throw new Malformed();
          }
          int start = pos;
          int stop = pos + (int) length;
          if (fd != null && fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            message(start, stop, fd.getMessageType(), depth + 1);
          }
          pos = stop;
        }
        case 3 -> {
          // A group (never a bdx.v1 field): read to its end tag.
          if (depth + 1 > MAX_DEPTH) {
            throw new Malformed();
          }
          for (; ; ) {
            if (pos >= end) {
              throw new Malformed();
            }
            long tag = tag(end);
            int inner = (int) (tag >>> 3);
            int innerType = (int) (tag & 7);
            if (innerType == 4) {
              if (inner != number) {
                throw new Malformed();
              }
              return;
            }
            value(end, inner, innerType, null, depth + 1);
          }
        }
        default -> throw new Malformed();
      }
    }

    private void skip(int end, int n) throws Malformed {
      if (end - pos < n) {
        throw new Malformed();
      }
      pos += n;
    }

    /**
     * A varint of at most 10 bytes. A value beyond 64 bits reads as -1 (so it fails the tag and
     * length checks; as a value it is read modulo 2^64, PB-1).
     */
    private long varint(int end) throws Malformed {
      long result = 0;
      boolean over = false;
      for (int i = 0; i < 10; i++) {
        if (pos >= end) {
          throw new Malformed();
        }
        int x = b[pos++] & 0xff;
        result |= (long) (x & 0x7f) << (7 * i);
        if (i == 9 && (x & 0x7f) > 1) {
          over = true;
        }
        if ((x & 0x80) == 0) {
          return over ? -1 : result;
        }
      }
      throw new Malformed(); // longer than 10 bytes
    }
  }
}
