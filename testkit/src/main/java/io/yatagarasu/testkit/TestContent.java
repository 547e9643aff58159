package io.yatagarasu.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Deterministic pseudo-random content addressed by offset, so tests can upload and verify objects
 * of any size (1 GiB and more) without holding them in memory.
 *
 * <p>The byte at offset {@code o} is byte {@code o % 8} (little-endian) of a 64-bit mix of {@code o
 * / 8}; generating and checking cost well under a nanosecond per byte.
 */
public final class TestContent {

  private static final int VERIFY_BUFFER_SIZE = 64 * 1024;

  private TestContent() {}

  /** The byte at {@code offset}. */
  public static byte byteAt(long offset) {
    checkOffset(offset);
    return (byte) (word(offset >>> 3) >>> ((offset & 7) << 3));
  }

  /**
   * Writes the content at {@code offset .. offset + len - 1} into {@code buf[off .. off + len -
   * 1]}.
   */
  public static void fill(long offset, byte[] buf, int off, int len) {
    checkOffset(offset);
    Objects.checkFromIndexSize(off, len, buf.length);
    int i = off;
    int end = off + len;
    long position = offset;
    while (i < end && (position & 7) != 0) {
      buf[i++] = byteAt(position++);
    }
    while (end - i >= 8) {
      long w = word(position >>> 3);
      for (int b = 0; b < 8; b++) {
        buf[i++] = (byte) w;
        w >>>= 8;
      }
      position += 8;
    }
    while (i < end) {
      buf[i++] = byteAt(position++);
    }
  }

  /** The content at {@code offset .. offset + length - 1} as a new array. */
  public static byte[] bytes(long offset, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
    }
    byte[] out = new byte[length];
    fill(offset, out, 0, length);
    return out;
  }

  /** A stream of the first {@code size} bytes of the content. */
  public static InputStream stream(long size) {
    return stream(0, size);
  }

  /** A stream of {@code size} bytes of the content, starting at {@code offset}. */
  public static InputStream stream(long offset, long size) {
    checkOffset(offset);
    if (size < 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
    }
    return new ContentStream(offset, offset + size);
  }

  /**
   * Reads {@code in} to its end and checks that it holds exactly the content at {@code offset ..
   * offset + expectedLength - 1}.
   *
   * @throws AssertionError naming the first differing offset, or the actual length if it differs
   */
  public static void verify(InputStream in, long offset, long expectedLength) throws IOException {
    checkOffset(offset);
    byte[] actual = new byte[VERIFY_BUFFER_SIZE];
    byte[] expected = new byte[VERIFY_BUFFER_SIZE];
    long read = 0;
    int n;
    while ((n = in.read(actual, 0, actual.length)) != -1) {
      int comparable = (int) Math.min(n, Math.max(0, expectedLength - read));
      fill(offset + read, expected, 0, comparable);
      for (int i = 0; i < comparable; i++) {
        if (actual[i] != expected[i]) {
          throw new AssertionError(
              "content differs at offset "
                  + (offset + read + i)
                  + " (stream position "
                  + (read + i)
                  + "): expected "
                  + (expected[i] & 0xff)
                  + " but was "
                  + (actual[i] & 0xff));
        }
      }
      read += n;
    }
    if (read != expectedLength) {
      throw new AssertionError(
          "stream length: " + read + " bytes (expected: " + expectedLength + ")");
    }
  }

  private static long word(long index) {
    // SplitMix64 finaliser: cheap, and neighbouring words look unrelated.
    long z = index * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static void checkOffset(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0)");
    }
  }

  private static final class ContentStream extends InputStream {
    private final long end;
    private long position;
    private long mark;

    ContentStream(long start, long end) {
      this.position = start;
      this.mark = start;
      this.end = end;
    }

    @Override
    public int read() {
      if (position >= end) {
        return -1;
      }
      return byteAt(position++) & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (position >= end) {
        return -1;
      }
      int n = (int) Math.min(len, end - position);
      fill(position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long skipped = Math.max(0, Math.min(n, end - position));
      position += skipped;
      return skipped;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, end - position);
    }

    @Override
    public boolean markSupported() {
      return true;
    }

    @Override
    public synchronized void mark(int readlimit) {
      mark = position;
    }

    @Override
    public synchronized void reset() {
      position = mark;
    }
  }
}
