package io.yatagarasu.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.testkit.S3ProxyServer;
import io.yatagarasu.testkit.TestContent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoIT {

  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private static Demo demo;

  @BeforeAll
  static void startDemo() throws Exception {
    demo = new Demo(new PrintStream(output, true, StandardCharsets.UTF_8));
    demo.start(new DemoOptions(0, 0, false), S3ProxyServer.defaultJar());
  }

  @AfterAll
  static void stopDemo() {
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  void everyPrintedExampleGetsTheStatusItPromises() {
    List<String> failures = new ArrayList<>();
    for (CurlExample example : demo.examples()) {
      String command = example.command(demo.dataAddress(), demo.adminAddress());
      try {
        int status = send(example).statusCode();
        if (status != example.expectedStatus()) {
          failures.add(command + " -> " + status + " (expected: " + example.expectedStatus() + ")");
        }
      } catch (Exception e) {
        failures.add(command + " -> " + e);
      }
    }

    assertThat(failures).as("printed examples that do not work").isEmpty();
  }

  @Test
  void rangeExampleReturnsTheFirstHundredBytesOfTheGeneratedObject() throws Exception {
    HttpResponse<byte[]> response = send(example("first 100 bytes"));

    assertThat(response.body()).isEqualTo(TestContent.bytes(0, 100));
    assertThat(response.headers().firstValue("Content-Range"))
        .hasValue("bytes 0-99/" + SampleData.BIG_SIZE);
  }

  @Test
  void helloExampleReturnsTheObjectWithItsMetadata() throws Exception {
    HttpResponse<byte[]> response = send(example("an object"));

    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(SampleData.HELLO_BODY);
    assertThat(response.headers().firstValue("x-amz-meta-author")).hasValue("yatagarasu-demo");
  }

  @Test
  void unicodeKeyIsServed() throws Exception {
    HttpResponse<byte[]> response = send(example("non-ASCII"));

    assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("read me ü");
  }

  @Test
  void secondRouteIsServedFromTheOtherStore() throws Exception {
    HttpResponse<byte[]> response = send(example("second route"));

    assertThat(new String(response.body(), StandardCharsets.UTF_8)).startsWith("month,revenue");
  }

  @Test
  void printsWhereTheConfigurationIs() {
    Path config = demo.configFile();

    assertThat(Files.isRegularFile(config)).isTrue();
    assertThat(output.toString(StandardCharsets.UTF_8)).contains(config.toString());
  }

  @Test
  void closeStopsBothStoresAndDeletesTheConfiguration() throws Exception {
    Demo other =
        new Demo(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    long childrenBefore = ProcessHandle.current().children().count();
    other.start(new DemoOptions(0, 0, false), S3ProxyServer.defaultJar());
    assertThat(ProcessHandle.current().children().count()).isEqualTo(childrenBefore + 2);

    other.close();

    assertThat(ProcessHandle.current().children().count()).isEqualTo(childrenBefore);
    assertThat(Files.exists(other.configFile())).isFalse();
  }

  private static CurlExample example(String descriptionPart) {
    return demo.examples().stream()
        .filter(e -> e.description().contains(descriptionPart))
        .findFirst()
        .orElseThrow();
  }

  private static HttpResponse<byte[]> send(CurlExample example) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(example.url(demo.dataAddress(), demo.adminAddress())))
            .timeout(Duration.ofSeconds(10))
            .method(example.head() ? "HEAD" : "GET", HttpRequest.BodyPublishers.noBody());
    example.headers().forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
