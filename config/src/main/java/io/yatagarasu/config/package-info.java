/**
 * The data-plane configuration contract: immutable records describing a whole proxy, the YAML/JSON
 * codec with {@code ${...}} interpolation, path-qualified validation and the content hash.
 */
package io.yatagarasu.config;
