package io.yatagarasu.config;

/** The format of the access log line; written in lowercase in the document. */
public enum LogFormat {
  JSON,
  TEXT
}
