package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One key of a labelled Secret in the same namespace as the object that names it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyRef {
  @JsonPropertyDescription(
      "Name of the Secret; it must be labelled yatagarasu.io/credentials: \"true\".")
  @Required
  @Size(min = 1, max = 253)
  private String name;

  @JsonPropertyDescription("The key within the Secret.")
  @Required
  @Size(min = 1, max = 253)
  private String key;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }
}
