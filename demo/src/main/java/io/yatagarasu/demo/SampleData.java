package io.yatagarasu.demo;

import io.yatagarasu.testkit.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** The objects the demo puts in its two stores, and the keys the printed examples use. */
final class SampleData {

  static final String PUBLIC_BUCKET = "demo-public";
  static final String REPORTS_BUCKET = "demo-reports";

  static final String HELLO_KEY = "hello.txt";
  static final String INDEX_KEY = "index.html";
  static final String JSON_KEY = "data/sample.json";
  static final String BIG_KEY = "big.bin";
  static final String UNICODE_KEY = "docs/read me ü.txt";
  static final String REPORT_KEY = "2026/q3.csv";
  static final long BIG_SIZE = 8L * 1024 * 1024;

  static final String HELLO_BODY =
      "Hello from Yatagarasu! This object lives in a local S3 store.\n";

  private SampleData() {}

  /** Seeds the public store; returns the ETag of {@value #HELLO_KEY}. */
  static String seedPublic(S3ProxyServer store) {
    store.createBucket(PUBLIC_BUCKET);
    String helloEtag =
        store
            .putObject(
                PUBLIC_BUCKET,
                HELLO_KEY,
                utf8(HELLO_BODY),
                "text/plain; charset=utf-8",
                Map.of("author", "yatagarasu-demo", "purpose", "greeting"))
            .eTag();
    store.putObject(
        PUBLIC_BUCKET,
        INDEX_KEY,
        utf8(
            "<!doctype html>\n<html><head><title>Yatagarasu demo</title></head>\n"
                + "<body><h1>Served from S3 through Yatagarasu</h1></body></html>\n"),
        b ->
            b.contentType("text/html; charset=utf-8")
                .cacheControl("public, max-age=300")
                .contentLanguage("en"));
    store.putObject(
        PUBLIC_BUCKET,
        JSON_KEY,
        utf8("{\"name\": \"yatagarasu\", \"kind\": \"read-only S3 gateway\", \"legs\": 3}\n"),
        b ->
            b.contentType("application/json")
                .contentDisposition("inline; filename=\"sample.json\"")
                .expires(Instant.parse("2030-01-01T00:00:00Z")));
    store.putGeneratedObject(PUBLIC_BUCKET, BIG_KEY, BIG_SIZE);
    store.putObject(
        PUBLIC_BUCKET,
        UNICODE_KEY,
        utf8("A key with spaces and a non-ASCII letter: read me ü.\n"),
        "text/plain; charset=utf-8",
        Map.of());
    return helloEtag;
  }

  /** Seeds the reports store. */
  static void seedReports(S3ProxyServer store) {
    store.createBucket(REPORTS_BUCKET);
    store.putObject(
        REPORTS_BUCKET,
        REPORT_KEY,
        utf8("month,revenue\n2026-07,1200\n2026-08,1350\n2026-09,1410\n"),
        "text/csv",
        Map.of("quarter", "2026-q3"));
    store.putObject(
        REPORTS_BUCKET,
        "2026/q2.csv",
        utf8("month,revenue\n2026-04,1010\n2026-05,1090\n2026-06,1150\n"),
        "text/csv",
        Map.of("quarter", "2026-q2"));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
