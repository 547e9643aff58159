package io.yatagarasu.operator.crd;

import java.util.List;
import java.util.Objects;

/**
 * What reading one spec found besides the fields this operator version knows: fields it does not
 * know (skipped) and fields whose value it cannot read (a wrong type, an unknown enum value; left
 * out). Kept beside the spec, never serialized, so it never reaches the API server.
 *
 * @param unknownFields paths of fields this version does not know, e.g. {@code spec.futureField}
 * @param unreadable one {@code path: why} line per value that could not be read
 */
public record SpecReading(List<String> unknownFields, List<String> unreadable) {
  public static final SpecReading CLEAN = new SpecReading(List.of(), List.of());

  public SpecReading {
    unknownFields = List.copyOf(Objects.requireNonNull(unknownFields, "unknownFields"));
    unreadable = List.copyOf(Objects.requireNonNull(unreadable, "unreadable"));
  }

  /** Nothing unknown and nothing unreadable. */
  public boolean clean() {
    return unknownFields.isEmpty() && unreadable.isEmpty();
  }
}
