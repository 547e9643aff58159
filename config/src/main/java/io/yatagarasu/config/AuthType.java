package io.yatagarasu.config;

/** How a bucket authenticates requests; written in lowercase in the document. */
public enum AuthType {
  PUBLIC,
  JWT
}
