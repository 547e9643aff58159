package io.yatagarasu.proxy.pipeline;

/**
 * The serve stage: fetches the object from S3 and streams S3's answer to the client. The request's
 * {@link ClientResponse} is the fetch's listener, and the fetch is the response's source (paused
 * while the client is behind, cancelled if it leaves).
 */
final class FetchFromS3 implements Stage {
  private final ServerContext server;

  FetchFromS3(ServerContext server) {
    this.server = server;
  }

  @Override
  public void enter(ObjectRequest request) {
    ClientResponse response = request.response();
    UpstreamFetch fetch = new UpstreamFetch(server.retryBudget(), request, response);
    response.attach(fetch);
    fetch.start();
  }
}
