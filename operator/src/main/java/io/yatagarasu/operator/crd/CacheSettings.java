package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;

/** The fleet's object cache: off unless enabled; each pod holds up to maxSize of objects. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CacheSettings {
  @JsonPropertyDescription(
      "Turns the object cache on for every bucket whose own cache.enabled is not false (default"
          + " false).")
  private Boolean enabled;

  @JsonPropertyDescription(
      "Bytes of objects each pod keeps, outside the Java heap, as a quantity: 1Mi..1Ti (default"
          + " 256Mi).")
  private Quantity maxSize;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Quantity getMaxSize() {
    return maxSize;
  }

  public void setMaxSize(Quantity maxSize) {
    this.maxSize = maxSize;
  }
}
