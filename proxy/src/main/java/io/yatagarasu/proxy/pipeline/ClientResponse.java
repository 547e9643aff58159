package io.yatagarasu.proxy.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import io.yatagarasu.proxy.ProxyError;
import io.yatagarasu.proxy.cors.CorsPolicy;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one place an object request's answer is written to the client: an error, or a response
 * streamed with backpressure from either source.
 *
 * <ul>
 *   <li><b>From S3</b>: it is the {@link FetchListener} of the request's fetch (attached with
 *       {@link #attach}); the fetch is paused while the client's channel is not writable and
 *       resumed when it drains.
 *   <li><b>From memory</b>: {@link #streamFromMemory} writes a stored head and body, in slices of
 *       {@link #MEMORY_SLICE} bytes while the client keeps up, continuing when it drains.
 *   <li><b>From anything else that produces chunks</b> (one fill shared by several readers): {@link
 *       #attach} a {@link ResponseSource}, then call the {@link FetchListener} methods in their
 *       documented order; {@link #onBatchEnd} flushes and pauses the source while the client is
 *       behind, and the source is resumed when it drains and cancelled if the client leaves.
 * </ul>
 *
 * Either way the client gets S3's status, the headers the proxy passes on ({@link
 * #COPIED_RESPONSE_HEADERS} and {@code x-amz-meta-*}), the request id and the bucket's CORS
 * headers. Every ending, whether written, abandoned or left by the client, goes through {@link
 * #complete} once: the access-log line, the request's metrics and the release of its snapshot.
 * Every call must come on the client connection's event loop.
 */
final class ClientResponse implements FetchListener, ChannelFutureListener {
  /** A stored body is written in slices of this size, so a slow client holds back the rest. */
  static final int MEMORY_SLICE = 64 * 1024;

  /** What S3 said that the client is told too; anything else stays behind. */
  static final List<CharSequence> COPIED_RESPONSE_HEADERS =
      List.of(
          HttpHeaderNames.CONTENT_TYPE,
          HttpHeaderNames.CONTENT_LENGTH,
          HttpHeaderNames.CONTENT_RANGE,
          HttpHeaderNames.CONTENT_ENCODING,
          HttpHeaderNames.CONTENT_DISPOSITION,
          HttpHeaderNames.CONTENT_LANGUAGE,
          HttpHeaderNames.CACHE_CONTROL,
          HttpHeaderNames.EXPIRES,
          HttpHeaderNames.ETAG,
          HttpHeaderNames.LAST_MODIFIED,
          HttpHeaderNames.ACCEPT_RANGES,
          "x-amz-version-id");

  private enum State {
    PENDING,
    STREAMING,
    DONE
  }

  private final ObjectRequest request;
  private final ChannelHandlerContext ctx;
  private State state = State.PENDING;
  private ResponseSource source;
  private ByteBuf memory;
  private boolean bodyless;
  private long bytesSent;
  private int clientStatus;
  private boolean completed;
  private String xCache;
  private String age;

  ClientResponse(ObjectRequest request) {
    this.request = request;
    this.ctx = request.ctx();
  }

  /** Whether the answer is written (or being written) or the client left: nothing more to do. */
  boolean isDone() {
    return state == State.DONE;
  }

  /**
   * The {@code X-Cache} word ({@code HIT}, {@code MISS}, {@code STALE}, {@code REVALIDATED}) and
   * the {@code Age} (null: none) the answer carries; set by the serve stage of a bucket that
   * caches.
   */
  void cacheStatus(String xCache, String age) {
    this.xCache = xCache;
    this.age = age;
  }

  /** Streams from {@code source} (it calls this object as its listener). */
  void attach(ResponseSource source) {
    this.source = source;
  }

  /** Answers with {@code error}'s rendering. */
  void answer(ProxyError error) {
    answer(ErrorResponses.render(ctx.alloc(), error, request.requestId(), request.head()), error);
  }

  /** Answers with an error response rendered (and given extra headers) by the caller. */
  void answer(FullHttpResponse response, ProxyError error) {
    state = State.DONE;
    addCors(response.headers());
    if (xCache != null) {
      response.headers().set("X-Cache", xCache);
    }
    boolean keepAlive = request.keepAlive();
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    long bytes = response.content().readableBytes();
    ctx.writeAndFlush(response)
        .addListener(
            f -> {
              bytesSent = bytes;
              complete(error.status(), error.code());
              request.frontend().exchangeDone(ctx, this, keepAlive && f.isSuccess());
            });
  }

  /**
   * Streams a stored response: {@code head} as S3 sent it (status and headers, filtered here as
   * S3's are) and its whole {@code body}, which this takes ownership of (and releases if the client
   * has already gone). Called instead of {@link #attach}, at most once. The body goes out in slices
   * while the client's channel is writable and continues when it drains.
   */
  void streamFromMemory(HttpResponse head, ByteBuf body) {
    if (state != State.PENDING) {
      // The client left (or was answered) meanwhile.
      body.release();
      return;
    }
    onHead(head);
    if (bodyless || !body.isReadable()) {
      body.release();
      finish(LastHttpContent.EMPTY_LAST_CONTENT);
      return;
    }
    memory = body;
    pumpMemory();
  }

  private void pumpMemory() {
    ByteBuf body = memory;
    while (body != null && state == State.STREAMING) {
      if (body.readableBytes() <= MEMORY_SLICE) {
        // The rest in one write: the body itself, with no trailers to allocate.
        bytesSent += body.readableBytes();
        memory = null;
        finish(new DefaultLastHttpContent(body, EmptyHttpHeaders.INSTANCE));
        return;
      }
      ByteBuf slice = body.readRetainedSlice(MEMORY_SLICE);
      bytesSent += MEMORY_SLICE;
      ctx.write(new DefaultHttpContent(slice)).addListener(CLOSE_ON_FAILURE);
      if (!ctx.channel().isWritable()) {
        // The client is behind: the rest waits for clientWritable().
        ctx.flush();
        return;
      }
    }
  }

  /**
   * Sends {@code response}'s head on. Every caller hands over a head that is its own (S3's as
   * decoded, or one built for this request), so it is filtered and sent in place: no second header
   * set per request.
   */
  @Override
  public void onHead(HttpResponse response) {
    int status = response.status().code();
    bodyless = request.head() || status == 304;
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    HttpHeaders to = response.headers();
    keepPassedOn(to);
    if (!bodyless && !to.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      HttpUtil.setTransferEncodingChunked(response, true);
    }
    to.set(ErrorResponses.REQUEST_ID, request.requestId());
    if (xCache != null) {
      to.set("X-Cache", xCache);
    }
    if (age != null) {
      to.set(HttpHeaderNames.AGE, age);
    }
    addCors(to);
    if (!request.keepAlive()) {
      to.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    clientStatus = status;
    state = State.STREAMING;
    ctx.write(response).addListener(CLOSE_ON_FAILURE);
  }

  @Override
  public void onBody(HttpContent chunk) {
    if (bodyless || state != State.STREAMING) {
      chunk.release();
      return;
    }
    bytesSent += chunk.content().readableBytes();
    ctx.write(chunk).addListener(CLOSE_ON_FAILURE);
  }

  @Override
  public void onEnd(LastHttpContent last) {
    if (bodyless) {
      last.release();
      finish(LastHttpContent.EMPTY_LAST_CONTENT);
      return;
    }
    bytesSent += last.content().readableBytes();
    finish(last);
  }

  @Override
  public void onBatchEnd() {
    if (state == State.STREAMING) {
      ctx.flush();
      if (!ctx.channel().isWritable() && source != null) {
        // The client is behind: stop reading from S3 until its socket drains.
        source.pause();
      }
    }
  }

  @Override
  public void onError(ProxyError error, long detail) {
    FullHttpResponse response =
        ErrorResponses.render(ctx.alloc(), error, request.requestId(), request.head());
    if (error == ProxyError.CIRCUIT_OPEN) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, String.valueOf(detail));
    } else if (error == ProxyError.INVALID_RANGE && detail >= 0) {
      response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + detail);
    }
    answer(response, error);
  }

  /** The response cannot be completed: close the client connection so it sees a short body. */
  @Override
  public void onAbort(String reason) {
    state = State.DONE;
    complete(clientStatus, reason);
    request.frontend().exchangeDone(ctx, this, false);
  }

  private void finish(HttpContent last) {
    state = State.DONE;
    ctx.writeAndFlush(last).addListener(this);
  }

  /** The last write of a streamed response went out (or failed). */
  @Override
  public void operationComplete(ChannelFuture f) {
    complete(clientStatus, f.isSuccess() ? null : "client_closed");
    request.frontend().exchangeDone(ctx, this, request.keepAlive() && f.isSuccess());
  }

  /** The client's socket drained below the low-water mark: resume the source. */
  void clientWritable() {
    if (state != State.STREAMING) {
      return;
    }
    if (memory != null) {
      pumpMemory();
    } else if (source != null) {
      source.resume();
    }
  }

  /** The client went away: drop the source at once (an upstream connection is not reused). */
  void clientClosed() {
    if (state == State.DONE) {
      return;
    }
    State before = state;
    state = State.DONE;
    if (memory != null) {
      memory.release();
      memory = null;
    }
    complete(before == State.STREAMING ? clientStatus : 499, "client_closed");
  }

  /**
   * Removes every header but {@link #COPIED_RESPONSE_HEADERS} (the first line of each) and {@code
   * x-amz-meta-*}. Netty's header iterator cannot remove: one scan notes the names to drop in the
   * event loop's scratch array, then they are removed by name (another scan only when more than it
   * holds are found). Allocates one iterator per scan, not a second header set.
   */
  static void keepPassedOn(HttpHeaders headers) {
    CharSequence[] drop = DROPPED.get();
    boolean more = true;
    while (more) {
      int dropped = 0;
      int seen = 0;
      int repeated = 0;
      Iterator<Map.Entry<CharSequence, CharSequence>> all = headers.iteratorCharSequence();
      while (all.hasNext() && dropped < drop.length) {
        CharSequence name = all.next().getKey();
        int copied = copiedIndex(name);
        if (copied < 0) {
          if (!isMetadata(name)) {
            drop[dropped++] = name;
          }
        } else if ((seen & (1 << copied)) == 0) {
          seen |= 1 << copied;
        } else if ((repeated & (1 << copied)) == 0) {
          repeated |= 1 << copied;
        }
      }
      more = dropped == drop.length;
      for (int i = 0; i < dropped; i++) {
        headers.remove(drop[i]);
        drop[i] = null;
      }
      for (int i = 0; repeated != 0; i++, repeated >>>= 1) {
        if ((repeated & 1) != 0) {
          CharSequence name = COPIED_RESPONSE_HEADERS.get(i);
          headers.set(name, headers.get(name));
        }
      }
    }
  }

  /** Names of headers to drop, noted by {@link #keepPassedOn} on each event loop. */
  private static final FastThreadLocal<CharSequence[]> DROPPED =
      new FastThreadLocal<>() {
        @Override
        protected CharSequence[] initialValue() {
          return new CharSequence[16];
        }
      };

  private static int copiedIndex(CharSequence name) {
    for (int i = 0; i < COPIED_RESPONSE_HEADERS.size(); i++) {
      if (AsciiString.contentEqualsIgnoreCase(name, COPIED_RESPONSE_HEADERS.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isMetadata(CharSequence name) {
    return AsciiString.regionMatches(name, true, 0, "x-amz-meta-", 0, 11);
  }

  /** CORS headers for a browser origin the bucket allows; none for any other request. */
  private void addCors(HttpHeaders headers) {
    CorsPolicy cors = request.route().policy().cors();
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    if (cors != null && origin != null) {
      cors.response(origin).forEach(headers::set);
    }
  }

  /** Logs and counts the request, and lets go of its snapshot: once, whatever path ended it. */
  private void complete(int status, String error) {
    if (completed) {
      return;
    }
    completed = true;
    ResponseSource s = source;
    if (s != null) {
      s.cancel();
    }
    request.completed(
        status,
        bytesSent,
        s == null ? 0 : s.upstreamStatus(),
        s == null ? -1 : s.upstreamMicros(),
        error);
  }
}
