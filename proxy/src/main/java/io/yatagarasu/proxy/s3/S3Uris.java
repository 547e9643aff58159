package io.yatagarasu.proxy.s3;

import java.nio.charset.StandardCharsets;

/** URI encoding as S3 and SigV4 expect it: RFC 3986 unreserved characters pass, all else is %XX. */
public final class S3Uris {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private S3Uris() {}

  /** Encodes an object key for a path; {@code /} is kept so that keys keep their structure. */
  public static String encodePath(String key) {
    return encode(key, true);
  }

  /** Encodes a query parameter name or value; {@code /} is encoded too. */
  public static String encodeQueryComponent(String value) {
    return encode(value, false);
  }

  private static String encode(String value, boolean keepSlash) {
    int i = 0;
    while (i < value.length() && isUnreserved(value.charAt(i), keepSlash)) {
      i++;
    }
    if (i == value.length()) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length() + 16);
    out.append(value, 0, i);
    byte[] rest = value.substring(i).getBytes(StandardCharsets.UTF_8);
    for (byte b : rest) {
      char c = (char) (b & 0xff);
      if (isUnreserved(c, keepSlash)) {
        out.append(c);
      } else {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return out.toString();
  }

  private static boolean isUnreserved(char c, boolean keepSlash) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.'
        || c == '~'
        || (keepSlash && c == '/');
  }
}
