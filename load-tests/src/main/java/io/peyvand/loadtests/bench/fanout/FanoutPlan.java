package io.peyvand.loadtests.bench.fanout;

import io.peyvand.loadtests.bench.harness.Platforms;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.UserAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is in one group (or channel) of the {@code fanout} benchmark and who posts what: {@code
 * total} users spread over the platforms in proportion to their monthly users ({@link
 * Platforms#users}: of 10,000, rubika 4,494, eitaa 2,472, bale 1,854, soroush 1,180), user ids
 * {@code <tag>-<i>} per platform, the group at the first platform (its home) owned by that
 * platform's user 0. Post {@code i} comes from platform {@code i mod platforms} and, on it, from
 * member {@code (i / platforms) mod members}: round robin over platforms, then over their members,
 * so that consecutive posts come from different platforms and a member posts as rarely as the
 * group's size allows. Pure: the same arguments give the same plan.
 */
public record FanoutPlan(
    GroupAddress group, String tag, List<String> platforms, Map<String, Integer> perPlatform) {

  /** {@code perPlatform} in the platforms' order. */
  public FanoutPlan {
    platforms = List.copyOf(platforms);
    perPlatform = Collections.unmodifiableMap(new LinkedHashMap<>(perPlatform));
  }

  /** {@code total} users named {@code <tag>-<i>} over {@code platforms}; the group at the first. */
  static FanoutPlan of(String groupId, String tag, List<String> platforms, int total) {
    GroupAddress group =
        GroupAddress.newBuilder().setPlatformId(platforms.get(0)).setGroupId(groupId).build();
    return new FanoutPlan(group, tag, platforms, Platforms.users(platforms, total));
  }

  int total() {
    return perPlatform.values().stream().mapToInt(Integer::intValue).sum();
  }

  UserAddress user(String platform, int i) {
    return UserAddress.newBuilder().setPlatformId(platform).setUserId(tag + "-" + i).build();
  }

  /** User 0 of the home platform. */
  UserAddress owner() {
    return user(group.getPlatformId(), 0);
  }

  /**
   * A channel's owner, {@code <tag>-owner} at the home platform: not one of the users, who are all
   * subscribed, so that no subscription names a member already there.
   */
  UserAddress channelOwner() {
    return UserAddress.newBuilder()
        .setPlatformId(group.getPlatformId())
        .setUserId(tag + "-owner")
        .build();
  }

  /** Who sends post {@code i}. */
  UserAddress poster(int i) {
    String platform = platforms.get(i % platforms.size());
    return user(platform, (i / platforms.size()) % perPlatform.get(platform));
  }

  /** Every user but the owner, platform by platform, in lists of at most {@code size}. */
  List<List<UserAddress>> batches(int size) {
    List<List<UserAddress>> batches = new ArrayList<>();
    List<UserAddress> batch = new ArrayList<>();
    for (String platform : platforms) {
      for (int i = 0; i < perPlatform.get(platform); i++) {
        UserAddress user = user(platform, i);
        if (user.equals(owner())) {
          continue;
        }
        batch.add(user);
        if (batch.size() == size) {
          batches.add(List.copyOf(batch));
          batch.clear();
        }
      }
    }
    if (!batch.isEmpty()) {
      batches.add(List.copyOf(batch));
    }
    return batches;
  }

  /** Every user of {@code platform}, in lists of at most {@code size} (for BulkSubscribe). */
  List<List<UserAddress>> batchesOf(String platform, int size) {
    List<List<UserAddress>> batches = new ArrayList<>();
    int count = perPlatform.get(platform);
    for (int from = 0; from < count; from += size) {
      List<UserAddress> batch = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + size); i++) {
        batch.add(user(platform, i));
      }
      batches.add(batch);
    }
    return batches;
  }
}
