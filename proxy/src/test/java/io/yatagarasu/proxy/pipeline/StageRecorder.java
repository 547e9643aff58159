package io.yatagarasu.proxy.pipeline;

import java.util.ArrayList;
import java.util.List;

/** A next stage that only remembers what it was handed. */
final class StageRecorder implements Stage {
  final List<ObjectRequest> entered = new ArrayList<>();

  @Override
  public void enter(ObjectRequest request) {
    entered.add(request);
  }
}
