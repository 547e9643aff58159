package io.yatagarasu.proxy.routing;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns the raw request target into the decoded path used for routing, or rejects it. The path is
 * percent-decoded exactly once as UTF-8; malformed escapes, invalid UTF-8, control characters (NUL
 * included) and {@code .} or {@code ..} segments, literal or encoded, are rejected.
 */
public final class PathNormalizer {

  private PathNormalizer() {}

  /** Why a request target was rejected. */
  public static final class InvalidPathException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidPathException(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Returns the raw path of a request target: everything before {@code ?} or {@code #}. */
  public static String rawPath(String uri) {
    int end = uri.length();
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    return uri.substring(0, end);
  }

  /** Returns the query string of a request target without {@code ?}, or {@code ""}. */
  public static String rawQuery(String uri) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return "";
    }
    int hash = uri.indexOf('#', q);
    return hash < 0 ? uri.substring(q + 1) : uri.substring(q + 1, hash);
  }

  /**
   * Decodes and checks a raw path (origin-form, starting with {@code /}).
   *
   * @throws InvalidPathException naming the first problem found
   */
  public static String normalize(String rawPath) throws InvalidPathException {
    if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      throw new InvalidPathException("path must start with '/'");
    }
    String decoded = needsDecoding(rawPath) ? decode(rawPath) : rawPath;
    checkDecoded(decoded);
    return decoded;
  }

  private static boolean needsDecoding(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' || c > 0x7f) {
        return true;
      }
    }
    return false;
  }

  private static String decode(String raw) throws InvalidPathException {
    // The HTTP decoder maps each request-line byte to one char (ISO-8859-1), so a char above 0xff
    // cannot occur; raw UTF-8 bytes and %XX escapes become one byte each.
    byte[] bytes = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new InvalidPathException("incomplete percent-encoding");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new InvalidPathException("malformed percent-encoding");
        }
        bytes[n++] = (byte) ((hi << 4) | lo);
        i += 2;
      } else if (c > 0xff) {
        throw new InvalidPathException("character outside the request-line charset");
      } else {
        bytes[n++] = (byte) c;
      }
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, 0, n));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new InvalidPathException("path is not valid UTF-8");
    }
  }

  private static void checkDecoded(String path) throws InvalidPathException {
    int segmentStart = 1;
    for (int i = 0; i <= path.length(); i++) {
      char c = i < path.length() ? path.charAt(i) : '/';
      if (c < 0x20 || c == 0x7f) {
        throw new InvalidPathException("control character in path");
      }
      if (c == '/') {
        if (i > 0) {
          int len = i - segmentStart;
          if ((len == 1 && path.charAt(segmentStart) == '.')
              || (len == 2
                  && path.charAt(segmentStart) == '.'
                  && path.charAt(segmentStart + 1) == '.')) {
            throw new InvalidPathException("'.' and '..' segments are not allowed");
          }
        }
        segmentStart = i + 1;
      }
    }
  }
}
