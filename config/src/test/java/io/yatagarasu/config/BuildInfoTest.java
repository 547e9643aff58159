package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
  private static ByteArrayInputStream properties(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void saysUnknownForWhatTheBuildCouldNotFillIn() throws Exception {
    assertThat(
            BuildInfo.from(
                "yatagarasu-proxy",
                properties(
                    "version=1.2.3\nrevision=${git.commit.id.abbrev}\ndirty=${git.dirty}\n")))
        .isEqualTo(new BuildInfo("yatagarasu-proxy", "1.2.3", "unknown"));
    assertThat(BuildInfo.from("yatagarasu-proxy", null))
        .isEqualTo(new BuildInfo("yatagarasu-proxy", "unknown", "unknown"));
  }

  @Test
  void aDirtyTreeMarksTheRevision() throws Exception {
    assertThat(
            BuildInfo.from(
                    "yatagarasu-operator",
                    properties("version=1.2.3\nrevision=0123456789ab\ndirty=true\n"))
                .describe())
        .isEqualTo("yatagarasu-operator 1.2.3 (revision 0123456789ab-dirty)");
  }

  @Test
  void aClassWithoutBuildPropertiesBesideItIsUnknown() {
    assertThat(BuildInfo.of(BuildInfoTest.class, "x"))
        .isEqualTo(new BuildInfo("x", "unknown", "unknown"));
  }
}
