package io.peyvand.broker.group;

import io.peyvand.broker.model.Address;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Where a channel's subscription buckets report their counts: the only thing {@link
 * ChannelSubscribers} knows of the channel entity. The composition root implements it by asking the
 * channel (which records the count, then answers); a bucket sends its latest count again until a
 * report completes normally, so the sink may fail, time out or be answered twice.
 */
@FunctionalInterface
public interface CountSink {

  /**
   * Records {@code count} for {@code channel}. Completes once the channel has persisted it (or
   * something newer for the same bucket); fails or never completes otherwise. Must be safe to call
   * from an actor (no blocking).
   */
  CompletionStage<Done> report(Address channel, BucketCount count);
}
