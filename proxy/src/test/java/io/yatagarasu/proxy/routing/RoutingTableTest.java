package io.yatagarasu.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

  private static RoutingTable<String> table(String... prefixes) {
    return new RoutingTable<>(List.of(prefixes), Function.identity());
  }

  @Test
  void matchesOnWholeSegmentsOnly() {
    RoutingTable<String> t = table("/assets");
    assertThat(t.match("/assets/x").route()).isEqualTo("/assets");
    assertThat(t.match("/assetsx/y")).isNull();
    assertThat(t.match("/assetsx")).isNull();
    assertThat(t.match("/asset/x")).isNull();
  }

  @Test
  void longestPrefixWins() {
    RoutingTable<String> t = table("/a", "/a/b", "/a/b/c");
    assertThat(t.match("/a/b/c/d").route()).isEqualTo("/a/b/c");
    assertThat(t.match("/a/b/c/d").key()).isEqualTo("d");
    assertThat(t.match("/a/b/x").route()).isEqualTo("/a/b");
    assertThat(t.match("/a/b/x").key()).isEqualTo("x");
    assertThat(t.match("/a/bc").route()).isEqualTo("/a");
    assertThat(t.match("/a/bc").key()).isEqualTo("bc");
  }

  @Test
  void keyIsTheRestOfThePathKeepingRepeatedSlashes() {
    RoutingTable<String> t = table("/assets");
    assertThat(t.match("/assets/dir/file.txt").key()).isEqualTo("dir/file.txt");
    assertThat(t.match("/assets//x").key()).isEqualTo("/x");
    assertThat(t.match("/assets/a//b/").key()).isEqualTo("a//b/");
  }

  @Test
  void bucketRootHasAnEmptyKey() {
    RoutingTable<String> t = table("/assets");
    assertThat(t.match("/assets").key()).isEmpty();
    assertThat(t.match("/assets/").key()).isEmpty();
  }

  @Test
  void rootPrefixCatchesEverythingElse() {
    RoutingTable<String> t = table("/", "/assets");
    assertThat(t.match("/assets/x").route()).isEqualTo("/assets");
    assertThat(t.match("/other/x").route()).isEqualTo("/");
    assertThat(t.match("/other/x").key()).isEqualTo("other/x");
    assertThat(t.match("/").key()).isEmpty();
  }

  @Test
  void unknownPathMatchesNothing() {
    assertThat(table("/a", "/b").match("/c/d")).isNull();
    assertThat(RoutingTable.<String>empty().match("/a/b")).isNull();
  }

  @Test
  void rejectsDuplicateAndMalformedPrefixes() {
    assertThatThrownBy(() -> table("/a", "/a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unique");
    assertThatThrownBy(() -> table("a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table("/a/")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void routesTenThousandBuckets() {
    List<String> prefixes = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      prefixes.add(i % 2 == 0 ? "/tenant-" + i : "/team-" + (i % 100) + "/bucket-" + i);
    }
    RoutingTable<String> t = new RoutingTable<>(prefixes, Function.identity());
    assertThat(t.size()).isEqualTo(10_000);
    for (int i = 0; i < 10_000; i++) {
      String prefix = prefixes.get(i);
      RoutingTable.Match<String> m = t.match(prefix + "/obj-" + i + "/part");
      assertThat(m.route()).isEqualTo(prefix);
      assertThat(m.key()).isEqualTo("obj-" + i + "/part");
    }
    assertThat(t.match("/team-1/unknown/x")).isNull();
    assertThat(t.match("/tenant-1/x")).isNull();
  }
}
