package io.peyvand.broker.group;

import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.model.Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Subscriptions of many users of one platform to a channel at once (BulkSubscribe, and the single
 * Subscribe as a list of one): the users are split by bucket ({@link SubscriberBucket#bucketOf}),
 * each bucket is asked once, all in parallel, and the answers are summed. Nothing is held here: a
 * call that fails (a bucket did not answer in time) may be repeated whole, since subscribing and
 * unsubscribing are idempotent per user; the buckets that did answer simply report 0 changed.
 */
public final class ChannelSubscriptions {

  /**
   * Of the distinct users asked for, {@code changed} were (un)subscribed, the rest already were.
   */
  public record Outcome(int changed, int unchanged) {}

  private final ClusterSharding sharding;
  private final Asks asks;
  private final int buckets;
  private final int maxUsers;
  private final Duration timeout;

  public ChannelSubscriptions(ActorSystem<?> system, ChannelSettings settings) {
    this.sharding = ClusterSharding.get(system);
    this.asks = Asks.get(system);
    this.buckets = settings.subscriptionBuckets();
    this.maxUsers = settings.bulkMaxUsers();
    this.timeout = settings.bucketAskTimeout();
  }

  /** Subscribes {@code userIds} of {@code platformId}; at most bulk-max-users at once. */
  public CompletionStage<Outcome> subscribe(
      Address channel, String platformId, List<String> userIds) {
    return each(channel, platformId, userIds, ChannelSubscribers.Subscribe::new);
  }

  /** Unsubscribes {@code userIds} of {@code platformId}; at most bulk-max-users at once. */
  public CompletionStage<Outcome> unsubscribe(
      Address channel, String platformId, List<String> userIds) {
    return each(channel, platformId, userIds, ChannelSubscribers.Unsubscribe::new);
  }

  /** Whether {@code user} is subscribed to {@code channel}: one bucket asked. */
  public CompletionStage<Boolean> isSubscribed(Address channel, Address user) {
    SubscriberBucket bucket =
        SubscriberBucket.of(channel, user.platformId(), user.userId(), buckets);
    return asks.<ChannelSubscribers.Command, ChannelSubscribers.Subscription>ask(
            sharding.entityRefFor(ChannelSubscribers.ENTITY_KEY, bucket.entityId()),
            replyTo -> new ChannelSubscribers.Contains(user.userId(), replyTo),
            timeout)
        .thenApply(ChannelSubscribers.Subscription::subscribed);
  }

  /** The distinct {@code userIds} by bucket, in their order of first appearance. */
  public static Map<Integer, List<String>> byBucket(List<String> userIds, int buckets) {
    Map<Integer, List<String>> split = new TreeMap<>();
    for (String user : new LinkedHashSet<>(userIds)) {
      split
          .computeIfAbsent(SubscriberBucket.bucketOf(user, buckets), b -> new ArrayList<>())
          .add(user);
    }
    return split;
  }

  private CompletionStage<Outcome> each(
      Address channel,
      String platformId,
      List<String> userIds,
      BiFunction<List<String>, ActorRef<ChannelSubscribers.Changed>, ChannelSubscribers.Command>
          command) {
    if (userIds.size() > maxUsers) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              userIds.size()
                  + " users in one call; at most "
                  + maxUsers
                  + " (peyvand.channels.bulk-max-users)"));
    }
    Map<Integer, List<String>> split = byBucket(userIds, buckets);
    int distinct = split.values().stream().mapToInt(List::size).sum();
    List<CompletableFuture<ChannelSubscribers.Changed>> answers = new ArrayList<>();
    split.forEach(
        (bucket, users) ->
            answers.add(
                asks.<ChannelSubscribers.Command, ChannelSubscribers.Changed>ask(
                        sharding.entityRefFor(
                            ChannelSubscribers.ENTITY_KEY,
                            new SubscriberBucket(channel, platformId, bucket).entityId()),
                        replyTo -> command.apply(users, replyTo),
                        timeout)
                    .toCompletableFuture()));
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(
            all -> {
              int changed = answers.stream().mapToInt(ask -> ask.join().changed()).sum();
              return new Outcome(changed, distinct - changed);
            });
  }
}
