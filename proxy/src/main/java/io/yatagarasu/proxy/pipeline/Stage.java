package io.yatagarasu.proxy.pipeline;

/**
 * One step of an object request's {@link RequestPath}: it answers the request (through its {@link
 * ClientResponse}) or hands it to the next stage. A stage holds no per-request state, so one
 * instance serves every request of the server.
 */
interface Stage {
  void enter(ObjectRequest request);
}
