package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** Which namespaces may attach buckets to a fleet, after the Gateway API's allowedRoutes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.from) || self.from != 'Selector' || has(self.selector)",
    message = "selector is required when from is Selector")
@ValidationRule(
    value = "!has(self.selector) || (has(self.from) && self.from == 'Selector')",
    message = "selector is only allowed when from is Selector")
public class BucketNamespaces {
  /** Where attachable buckets may live. */
  public enum From {
    Same,
    All,
    Selector
  }

  @JsonPropertyDescription(
      "Same: the fleet's namespace only (default). All: every watched namespace. Selector:"
          + " namespaces whose labels match selector.")
  private From from;

  @JsonPropertyDescription("Namespace label selector, used when from is Selector.")
  private LabelSelector selector;

  public From getFrom() {
    return from;
  }

  public void setFrom(From from) {
    this.from = from;
  }

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }
}
