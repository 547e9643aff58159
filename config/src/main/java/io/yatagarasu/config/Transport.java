package io.yatagarasu.config;

/**
 * The Netty transport of the listeners; written in lowercase in the document ({@code io_uring}).
 */
public enum Transport {
  AUTO,
  NIO,
  EPOLL,
  IO_URING
}
