package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Cross-origin reads of one bucket from browsers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.allowCredentials) && self.allowCredentials && '*' in self.allowedOrigins)",
    message = "allowCredentials cannot be true with the origin \"*\"; list the origins")
public class CorsSettings {
  /** The methods a read-only gateway answers preflights for. */
  public enum Method {
    GET,
    HEAD
  }

  @JsonPropertyDescription("Origins that may read: * or scheme://host[:port].")
  @Required
  @Size(min = 1, max = 100)
  private List<String> allowedOrigins;

  @JsonPropertyDescription("Methods a preflight may ask for: GET, HEAD (default both).")
  private List<Method> allowedMethods;

  @JsonPropertyDescription("Request headers a preflight may ask for (default none).")
  private List<String> allowedHeaders;

  @JsonPropertyDescription("Response headers scripts may read (default none).")
  private List<String> exposedHeaders;

  @JsonPropertyDescription(
      "How long a browser may cache a preflight answer, at most 1d (default 10m).")
  @Pattern(Durations.PATTERN)
  private String maxAge;

  @JsonPropertyDescription(
      "Allow cookies and Authorization with cross-origin reads (default false).")
  private Boolean allowCredentials;

  public List<String> getAllowedOrigins() {
    return allowedOrigins;
  }

  public void setAllowedOrigins(List<String> allowedOrigins) {
    this.allowedOrigins = allowedOrigins;
  }

  public List<Method> getAllowedMethods() {
    return allowedMethods;
  }

  public void setAllowedMethods(List<Method> allowedMethods) {
    this.allowedMethods = allowedMethods;
  }

  public List<String> getAllowedHeaders() {
    return allowedHeaders;
  }

  public void setAllowedHeaders(List<String> allowedHeaders) {
    this.allowedHeaders = allowedHeaders;
  }

  public List<String> getExposedHeaders() {
    return exposedHeaders;
  }

  public void setExposedHeaders(List<String> exposedHeaders) {
    this.exposedHeaders = exposedHeaders;
  }

  public String getMaxAge() {
    return maxAge;
  }

  public void setMaxAge(String maxAge) {
    this.maxAge = maxAge;
  }

  public Boolean getAllowCredentials() {
    return allowCredentials;
  }

  public void setAllowCredentials(Boolean allowCredentials) {
    this.allowCredentials = allowCredentials;
  }
}
