package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

  @Test
  void keepsSaneIncomingIds() {
    assertThat(RequestIds.acceptOrGenerate("req-1.a_B")).isEqualTo("req-1.a_B");
    String longest = "a".repeat(128);
    assertThat(RequestIds.acceptOrGenerate(longest)).isEqualTo(longest);
  }

  @Test
  void replacesMissingOversizedOrHostileIds() {
    for (String bad : new String[] {null, "", "a".repeat(129), "a b", "a\nb", "x\"y", "ü"}) {
      String id = RequestIds.acceptOrGenerate(bad);
      assertThat(id).matches("[0-9a-f]{32}").isNotEqualTo(bad);
    }
  }

  @Test
  void generatedIdsDiffer() {
    assertThat(RequestIds.generate()).isNotEqualTo(RequestIds.generate());
  }
}
