package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads a spec or status without ever failing, so that one object written for a newer operator (a
 * field this version does not know, a value of another type) cannot stop the informer that lists
 * and watches every object of its kind. Unknown fields are skipped; a value that cannot be read is
 * left out and the rest read again. What was skipped is kept as the spec's {@link SpecReading}; the
 * reconcilers report it and decide whether the object can still be used.
 *
 * <p>Only deserialization changes: the generated CRDs and what the operator writes are the same.
 */
public abstract class TolerantDeserializer<T> extends StdDeserializer<T> {
  /** Each attempt leaves out one more unreadable value. */
  private static final int MAX_ATTEMPTS = 16;

  private static final int MAX_VALUE_CHARS = 40;

  /** Binds the annotated types with Jackson's own bean deserializers, without this class. */
  private static final ObjectMapper PLAIN =
      JsonMapper.builder()
          .addMixIn(S3ProxyBucketSpec.class, DefaultBinding.class)
          .addMixIn(S3ProxyConfigSpec.class, DefaultBinding.class)
          .addMixIn(S3ProxyBucketStatus.class, DefaultBinding.class)
          .addMixIn(S3ProxyConfigStatus.class, DefaultBinding.class)
          .build();

  @JsonDeserialize
  private abstract static class DefaultBinding {}

  private final Class<T> type;
  private final String root;
  private final Supplier<T> empty;

  protected TolerantDeserializer(Class<T> type, String root, Supplier<T> empty) {
    super(type);
    this.type = type;
    this.root = root;
    this.empty = empty;
  }

  @Override
  public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    return read(ctxt.readTree(p));
  }

  /** Binds {@code tree}; never throws for its content. */
  T read(JsonNode tree) {
    List<String> unreadable = new ArrayList<>();
    if (!tree.isObject()) {
      unreadable.add(root + ": cannot read " + describe(tree) + " as an object");
      return remember(empty.get(), new SpecReading(List.of(), unreadable));
    }
    JsonNode working = tree;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      UnknownFields unknown = new UnknownFields(root);
      try {
        T value = PLAIN.readerFor(type).withHandler(unknown).readValue(working);
        return remember(value, new SpecReading(List.copyOf(unknown.paths), unreadable));
      } catch (JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        unreadable.add(pathText(path) + ": " + why(e, at(working, path)));
        if (working == tree) {
          working = tree.deepCopy();
        }
        if (!leaveOut(working, path)) {
          break;
        }
      } catch (IOException | RuntimeException e) {
        unreadable.add(root + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        break;
      }
    }
    return remember(empty.get(), new SpecReading(List.of(), unreadable));
  }

  private T remember(T value, SpecReading reading) {
    if (value instanceof ReadTolerantly tolerant) {
      tolerant.reading(reading);
    }
    return value;
  }

  private String pathText(List<JsonMappingException.Reference> path) {
    StringBuilder text = new StringBuilder(root);
    for (JsonMappingException.Reference reference : path) {
      if (reference.getFieldName() != null) {
        text.append('.').append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        text.append('[').append(reference.getIndex()).append(']');
      }
    }
    return text.toString();
  }

  private static JsonNode at(JsonNode tree, List<JsonMappingException.Reference> path) {
    JsonNode node = tree;
    for (JsonMappingException.Reference reference : path) {
      if (node == null) {
        return null;
      }
      node =
          reference.getFieldName() != null
              ? node.get(reference.getFieldName())
              : node.get(reference.getIndex());
    }
    return node;
  }

  /** Removes the innermost field on the path (a whole list when an element of it is unreadable). */
  private static boolean leaveOut(JsonNode tree, List<JsonMappingException.Reference> path) {
    int last = path.size() - 1;
    while (last >= 0 && path.get(last).getFieldName() == null) {
      last--;
    }
    if (last < 0) {
      return false;
    }
    JsonNode parent = at(tree, path.subList(0, last));
    if (!(parent instanceof ObjectNode object)) {
      return false;
    }
    return object.remove(path.get(last).getFieldName()) != null;
  }

  private static String why(JsonMappingException e, JsonNode value) {
    Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
    String found = describe(value);
    if (target != null && target.isEnum()) {
      return found
          + " is not a value this operator version knows (expected one of: "
          + String.join(", ", enumNames(target))
          + ")";
    }
    return "cannot read " + found + " as " + expected(target);
  }

  private static List<String> enumNames(Class<?> type) {
    List<String> names = new ArrayList<>();
    for (Object constant : type.getEnumConstants()) {
      try {
        names.add(PLAIN.writeValueAsString(constant).replace("\"", ""));
      } catch (IOException e) {
        names.add(constant.toString());
      }
    }
    return names;
  }

  private static String expected(Class<?> target) {
    if (target == null) {
      return "the declared type";
    }
    if (target == Integer.class
        || target == int.class
        || target == Long.class
        || target == long.class) {
      return "an integer";
    }
    if (target == Boolean.class || target == boolean.class) {
      return "true or false";
    }
    if (target == String.class) {
      return "a string";
    }
    if (Number.class.isAssignableFrom(target) || target.isPrimitive()) {
      return "a number";
    }
    if (Collection.class.isAssignableFrom(target) || target.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(target)) {
      return "an object";
    }
    return "an object (" + target.getSimpleName() + ")";
  }

  private static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "the value";
    }
    if (value.isNull()) {
      return "null";
    }
    if (value.isTextual()) {
      String text = value.asText();
      return "the string \""
          + (text.length() > MAX_VALUE_CHARS ? text.substring(0, MAX_VALUE_CHARS) + "…" : text)
          + "\"";
    }
    if (value.isNumber()) {
      return "the number " + value.asText();
    }
    if (value.isBoolean()) {
      return value.asText();
    }
    if (value instanceof ArrayNode) {
      return "a list";
    }
    return "an object";
  }

  /** Skips every field the bound type does not declare and remembers its path. */
  private static final class UnknownFields extends DeserializationProblemHandler {
    private final String root;
    private final Set<String> paths = new TreeSet<>();

    UnknownFields(String root) {
      this.root = root;
    }

    @Override
    public boolean handleUnknownProperty(
        DeserializationContext ctxt,
        JsonParser p,
        JsonDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName)
        throws IOException {
      JsonStreamContext holder = p.getParsingContext();
      JsonToken token = p.currentToken();
      if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)
          && holder.getParent() != null) {
        holder = holder.getParent();
      }
      Deque<String> segments = new ArrayDeque<>();
      for (JsonStreamContext c = holder.getParent(); c != null && !c.inRoot(); c = c.getParent()) {
        if (c.inArray() && c.getCurrentIndex() >= 0) {
          segments.addFirst("[" + c.getCurrentIndex() + "]");
        } else if (c.inObject() && c.getCurrentName() != null) {
          segments.addFirst("." + c.getCurrentName());
        }
      }
      paths.add(root + String.join("", segments) + "." + propertyName);
      p.skipChildren();
      return true;
    }
  }

  /** {@code spec} of an S3ProxyBucket. */
  public static final class BucketSpec extends TolerantDeserializer<S3ProxyBucketSpec> {
    public BucketSpec() {
      super(S3ProxyBucketSpec.class, "spec", S3ProxyBucketSpec::new);
    }
  }

  /** {@code spec} of an S3ProxyConfig. */
  public static final class ConfigSpec extends TolerantDeserializer<S3ProxyConfigSpec> {
    public ConfigSpec() {
      super(S3ProxyConfigSpec.class, "spec", S3ProxyConfigSpec::new);
    }
  }

  /**
   * {@code status} of an S3ProxyBucket: written by the operator, so anything unreadable (from a
   * newer operator) is dropped silently and rewritten.
   */
  public static final class BucketStatus extends TolerantDeserializer<S3ProxyBucketStatus> {
    public BucketStatus() {
      super(S3ProxyBucketStatus.class, "status", S3ProxyBucketStatus::new);
    }
  }

  /** {@code status} of an S3ProxyConfig; see {@link BucketStatus}. */
  public static final class ConfigStatus extends TolerantDeserializer<S3ProxyConfigStatus> {
    public ConfigStatus() {
      super(S3ProxyConfigStatus.class, "status", S3ProxyConfigStatus::new);
    }
  }
}
