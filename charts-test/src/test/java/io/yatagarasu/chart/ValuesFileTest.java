package io.yatagarasu.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every value in values.yaml is explained by a comment above it or above its parent key. */
class ValuesFileTest {
  private static final Pattern KEY = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9]*):.*$");

  @Test
  void everyValueIsCommented() {
    List<String> lines = RepoPaths.read(RepoPaths.CHART.resolve("values.yaml")).lines().toList();
    // commented[indent] says whether the enclosing key at that indentation carried a comment.
    boolean[] commented = new boolean[64];
    List<String> undocumented = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher key = KEY.matcher(lines.get(i));
      if (!key.matches()) {
        continue;
      }
      int indent = key.group(1).length();
      boolean own = i > 0 && lines.get(i - 1).trim().startsWith("#");
      boolean inherited = false;
      for (int parent = 0; parent < indent; parent++) {
        inherited |= commented[parent];
      }
      commented[indent] = own || inherited;
      for (int deeper = indent + 1; deeper < commented.length; deeper++) {
        commented[deeper] = false;
      }
      boolean section = lines.get(i).trim().endsWith(":");
      if (!own && !inherited && !section) {
        undocumented.add(lines.get(i).trim());
      }
    }
    assertThat(undocumented).as("values without a comment").isEmpty();
  }
}
