package io.yatagarasu.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class TestContentTest {

  @Test
  void fillAgreesWithByteAtAtUnalignedOffsetsAndLengths() {
    for (long offset : new long[] {0, 1, 7, 8, 9, 1_000_003, (1L << 30) - 5}) {
      for (int length : new int[] {0, 1, 7, 8, 9, 63, 100}) {
        byte[] buf = new byte[length + 6];
        TestContent.fill(offset, buf, 3, length);
        for (int i = 0; i < length; i++) {
          assertThat(buf[3 + i])
              .as("offset %d", offset + i)
              .isEqualTo(TestContent.byteAt(offset + i));
        }
        assertThat(buf[0]).isZero();
        assertThat(buf[length + 5]).isZero();
      }
    }
  }

  @Test
  void contentIsTheSameEveryTime() {
    assertThat(TestContent.bytes(12_345, 64)).isEqualTo(TestContent.bytes(12_345, 64));
  }

  @Test
  void neighbouringBlocksDiffer() {
    assertThat(TestContent.bytes(0, 64)).isNotEqualTo(TestContent.bytes(64, 64));
  }

  @Test
  void streamFromAnOffsetMatchesBytes() throws IOException {
    try (InputStream in = TestContent.stream(1_000, 5_000)) {
      assertThat(in.readAllBytes()).isEqualTo(TestContent.bytes(1_000, 5_000));
    }
  }

  @Test
  void streamEndsAfterItsSize() throws IOException {
    try (InputStream in = TestContent.stream(10)) {
      assertThat(in.readNBytes(100)).hasSize(10);
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void verifyAcceptsTheContentAtTheGivenOffset() throws IOException {
    TestContent.verify(TestContent.stream(77, 100_000), 77, 100_000);
  }

  @Test
  void verifyNamesTheFirstDifferingOffset() {
    byte[] body = TestContent.bytes(500, 1_000);
    body[123] ^= 1;

    assertThatThrownBy(() -> TestContent.verify(new ByteArrayInputStream(body), 500, 1_000))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("offset 623");
  }

  @Test
  void verifyRejectsAShortStream() {
    byte[] body = TestContent.bytes(0, 999);

    assertThatThrownBy(() -> TestContent.verify(new ByteArrayInputStream(body), 0, 1_000))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("999 bytes");
  }

  @Test
  void verifyRejectsALongStream() {
    byte[] body = TestContent.bytes(0, 1_001);

    assertThatThrownBy(() -> TestContent.verify(new ByteArrayInputStream(body), 0, 1_000))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("1001 bytes");
  }

  @Test
  void generatesAndVerifiesAGibibyteWithoutHoldingIt() throws IOException {
    // Streams 1 GiB through verify, which throws on any wrong or missing byte; how long it takes
    // is printed as a figure, not asserted.
    long start = System.nanoTime();
    TestContent.verify(TestContent.stream(1L << 30), 0, 1L << 30);
    System.out.printf(
        "FIGURE testkit.generate-1gib.ms %d%n", (System.nanoTime() - start) / 1_000_000);
  }
}
