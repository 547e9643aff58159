package io.yatagarasu.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a configuration document (YAML or JSON), resolves its {@code ${...}} references from an
 * {@link Environment} and checks it, reporting every problem at once in a {@link ConfigException}.
 */
public final class ConfigParser {
  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  // SnakeYAML messages: "problem\n in 'reader', line 3, column 5:\n    snippet\n    ^".
  private static final Pattern YAML_MARK = Pattern.compile(" in '.*', line (\\d+), column (\\d+):");
  private static final String DUPLICATE = "Duplicate field '";
  private static final String EXPECTED =
      "(expected: a mapping of server, admin, upstream, logging, buckets)";

  private final Environment env;

  public ConfigParser(Environment env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  public ProxyConfig parseYaml(String document) throws ConfigException {
    return parseYamlDocument(document).config();
  }

  public ProxyConfig parseJson(String document) throws ConfigException {
    return parseJsonDocument(document).config();
  }

  /** Reads a file: JSON when its name ends with {@code .json}, YAML otherwise. */
  public ProxyConfig load(Path file) throws ConfigException {
    return loadDocument(file).config();
  }

  /** Like {@link #parseYaml}, keeping the generation the document states. */
  public ConfigDocument parseYamlDocument(String document) throws ConfigException {
    return new ConfigBinder(env).bind(read(YAML, document));
  }

  /** Like {@link #parseJson}, keeping the generation the document states. */
  public ConfigDocument parseJsonDocument(String document) throws ConfigException {
    return new ConfigBinder(env).bind(read(JSON, document));
  }

  /** Like {@link #load}, keeping the generation the document states. */
  public ConfigDocument loadDocument(Path file) throws ConfigException {
    Objects.requireNonNull(file, "file");
    String document;
    try {
      document = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(List.of("cannot read " + file + ": " + Interpolator.reason(e)));
    }
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    return name.toLowerCase(Locale.ROOT).endsWith(".json")
        ? parseJsonDocument(document)
        : parseYamlDocument(document);
  }

  private static JsonNode read(ObjectMapper mapper, String document) throws ConfigException {
    Objects.requireNonNull(document, "document");
    JsonNode root;
    try (JsonParser parser = mapper.createParser(document)) {
      root = mapper.readTree(parser);
      if (root != null && parser.nextToken() != null) {
        throw problem(
            at(
                    parser.currentTokenLocation().getLineNr(),
                    parser.currentTokenLocation().getColumnNr())
                + "more than one document (expected: exactly one)");
      }
    } catch (JsonProcessingException e) {
      throw problem(syntaxError(e));
    } catch (IOException e) {
      throw problem("cannot read the document: " + e.getMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw problem("the document is empty " + EXPECTED);
    }
    if (!root.isObject()) {
      String kind = root.isArray() ? "a list" : "a single value";
      throw problem("the document is " + kind + " " + EXPECTED);
    }
    return root;
  }

  /**
   * One line with a position, the path being read and the kind of error, without Jackson's source
   * excerpt and without any quoted input: a document may hold secrets, and a parser message such as
   * {@code Unrecognized token 'secret…'} would copy one into a log line or a response.
   */
  private static String syntaxError(JsonProcessingException e) {
    String message = Objects.requireNonNullElse(e.getOriginalMessage(), "invalid document");
    String path =
        e.getProcessor() instanceof JsonParser parser ? path(parser.getParsingContext()) : "";
    if (message.startsWith(DUPLICATE)) {
      return (path.isEmpty() ? "(root)" : path) + ": duplicate key";
    }
    int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
    int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
    List<String> words = new ArrayList<>();
    for (String part : message.split("\n")) {
      Matcher mark = YAML_MARK.matcher(part);
      if (mark.matches()) {
        line = Integer.parseInt(mark.group(1));
        column = Integer.parseInt(mark.group(2));
      } else if (!part.isBlank() && !part.startsWith(" ")) {
        String kind = kindOf(part);
        if (!kind.isEmpty() && !words.contains(kind)) {
          words.add(kind);
        }
      }
    }
    if (words.isEmpty()) {
      words.add("invalid syntax");
    }
    return at(line, column) + (path.isEmpty() ? "" : path + ": ") + String.join(", ", words);
  }

  /**
   * The parser's words up to the first quote, parenthesis or colon: the kind of error
   * ("Unrecognized token", "mapping values are not allowed here"), never the input it quotes after
   * them.
   */
  private static String kindOf(String words) {
    int end = words.length();
    for (int i = 0; i < words.length(); i++) {
      char c = words.charAt(i);
      if (c == '\'' || c == '"' || c == '(' || c == ':' || c == '`') {
        end = i;
        break;
      }
    }
    return words.substring(0, end).strip();
  }

  private static String at(int line, int column) {
    return line < 0 ? "" : "line " + line + ", column " + column + ": ";
  }

  private static String path(JsonStreamContext context) {
    StringBuilder path = new StringBuilder();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      path.insert(0, c.inArray() ? "[" + c.getCurrentIndex() + "]" : "." + c.getCurrentName());
    }
    return path.length() > 0 && path.charAt(0) == '.' ? path.substring(1) : path.toString();
  }

  /**
   * Checks a file's structure without resolving its {@code ${VAR}} and {@code ${file:...}}
   * references: syntax, keys, types, required fields and every literal value; a value with a
   * reference is not checked (no environment variable or file is read). Returns every problem, or
   * an empty list.
   */
  public static List<String> structureProblems(Path file) {
    Objects.requireNonNull(file, "file");
    String document;
    try {
      document = Files.readString(file);
    } catch (IOException e) {
      return List.of("cannot read " + file + ": " + Interpolator.reason(e));
    }
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    boolean json = name.toLowerCase(Locale.ROOT).endsWith(".json");
    JsonNode root;
    try {
      root = read(json ? JSON : YAML, document);
    } catch (ConfigException e) {
      return e.errors();
    }
    return new ConfigBinder(Interpolator.PLACEHOLDER_ENVIRONMENT, true).structureProblems(root);
  }

  private static ConfigException problem(String message) {
    return new ConfigException(List.of(message));
  }
}
