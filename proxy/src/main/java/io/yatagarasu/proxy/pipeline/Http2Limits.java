package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import io.yatagarasu.config.ServerConfig;

/**
 * The limits an HTTP/2 client meets on the TLS listener, in one place (docs/security.md lists
 * them). A client past a connection-wide limit gets GOAWAY with {@code ENHANCE_YOUR_CALM} (or
 * {@code PROTOCOL_ERROR} for a malformed stream of frames) and the connection closes; a stream past
 * a per-stream limit is refused on its own.
 */
final class Http2Limits {
  /** Streams open at once per connection; more are refused with {@code REFUSED_STREAM}. */
  static final int MAX_CONCURRENT_STREAMS = 256;

  /** Client resets (RST_STREAM) per window: rapid reset, CVE-2023-44487. */
  static final int MAX_RESETS_PER_WINDOW = 200;

  /** Resets the proxy itself sends because of the client's frames (CVE-2025-55163). */
  static final int MAX_OWN_RESETS_PER_WINDOW = 200;

  static final int RESET_WINDOW_SECONDS = 30;

  /** DATA frames in a row with no payload and no end of stream. */
  static final int MAX_CONSECUTIVE_EMPTY_DATA_FRAMES = 2;

  /** CONTINUATION frames smaller than a useful header fragment (CONTINUATION floods). */
  static final int MAX_SMALL_CONTINUATION_FRAMES = 16;

  /**
   * Answers the proxy may queue (SETTINGS and PING acknowledgements, resets) for a client that does
   * not read them.
   */
  static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;

  /** SETTINGS and PING frames a client may send per window; a few are all any client needs. */
  static final int MAX_CONTROL_FRAMES_PER_WINDOW = 200;

  static final int CONTROL_FRAME_WINDOW_SECONDS = 10;

  private Http2Limits() {}

  /**
   * The server codec with every limit set. Header lists are capped at {@code
   * server.maxRequestHeaderBytes}: a larger one is answered 431 on its stream, and a header block
   * more than a quarter beyond it ends the connection before it is decoded.
   */
  static Http2FrameCodec serverCodec(ServerConfig settings) {
    return Http2FrameCodecBuilder.forServer()
        .maxReservedStreams(0)
        .initialSettings(
            Http2Settings.defaultSettings()
                .maxHeaderListSize(settings.maxRequestHeaderBytes())
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS))
        .decoderEnforceMaxRstFramesPerWindow(MAX_RESETS_PER_WINDOW, RESET_WINDOW_SECONDS)
        .encoderEnforceMaxRstFramesPerWindow(MAX_OWN_RESETS_PER_WINDOW, RESET_WINDOW_SECONDS)
        .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_DATA_FRAMES)
        .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATION_FRAMES)
        .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
        .build();
  }
}
