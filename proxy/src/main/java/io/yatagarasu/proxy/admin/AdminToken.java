package io.yatagarasu.proxy.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The admin bearer token, read from a file and read again whenever the file changes (a rotated
 * Secret). Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, in constant
 * time, so neither their content nor their length leaks through timing.
 */
final class AdminToken {
  private Path path;
  private Object version;
  private byte[] digest;

  /** True when {@code presented} equals the token currently in {@code file}. */
  synchronized boolean matches(Path file, String presented) {
    byte[] expected = current(file);
    if (expected == null || presented == null || presented.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(expected, sha256(presented.getBytes(StandardCharsets.UTF_8)));
  }

  private byte[] current(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      Object seen =
          java.util.List.of(
              String.valueOf(attributes.fileKey()),
              attributes.lastModifiedTime(),
              attributes.size(),
              file.toRealPath().toString());
      if (!file.equals(path) || !Objects.equals(seen, version)) {
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        digest = token.isEmpty() ? null : sha256(token.getBytes(StandardCharsets.UTF_8));
        path = file;
        version = seen;
      }
      return digest;
    } catch (IOException e) {
      path = null;
      digest = null;
      return null;
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
