package io.yatagarasu.proxy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids: a sane incoming {@code X-Request-Id} is kept, anything else is replaced. */
public final class RequestIds {
  public static final int MAX_LENGTH = 128;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private RequestIds() {}

  /** Returns {@code incoming} when it is 1 to 128 of {@code [A-Za-z0-9._-]}, else a new id. */
  public static String acceptOrGenerate(String incoming) {
    return isValid(incoming) ? incoming : generate();
  }

  public static boolean isValid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** 128 random bits as 32 lowercase hex characters. */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] out = new byte[32];
    long hi = random.nextLong();
    long lo = random.nextLong();
    for (int i = 0; i < 16; i++) {
      out[i] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xf];
      out[16 + i] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xf];
    }
    // Bytes, not chars: the String keeps Latin-1 bytes, so this is half the copying.
    return new String(out, StandardCharsets.ISO_8859_1);
  }
}
