package io.peyvand.broker.serialization;

import io.peyvand.broker.group.BucketCount;
import io.peyvand.broker.group.Group;
import io.peyvand.broker.group.Membership;
import io.peyvand.broker.group.SubscriberCounts;
import io.peyvand.persistence.stored.v1.StoredBucketCount;
import io.peyvand.persistence.stored.v1.StoredGroupKind;
import io.peyvand.persistence.stored.v1.StoredMemberChange;
import io.peyvand.persistence.stored.v1.StoredRole;
import io.peyvand.persistence.stored.v1.StoredSubscriberCounts;

/**
 * The Group entity's model, and the channel's subscription counts, between the domain and their
 * stored protobuf form.
 */
final class StoredGroups {
  private StoredGroups() {}

  static StoredGroupKind kind(Group.Kind kind) {
    return switch (kind) {
      case GROUP -> StoredGroupKind.STORED_GROUP;
      case CHANNEL -> StoredGroupKind.STORED_CHANNEL;
    };
  }

  static Group.Kind kind(StoredGroupKind kind) {
    return switch (kind) {
      case STORED_GROUP -> Group.Kind.GROUP;
      case STORED_CHANNEL -> Group.Kind.CHANNEL;
      default -> throw new IllegalArgumentException("unknown stored group kind " + kind);
    };
  }

  static StoredRole role(Membership.Role role) {
    return switch (role) {
      case MEMBER -> StoredRole.STORED_MEMBER;
      case ADMIN -> StoredRole.STORED_ADMIN;
      case OWNER -> StoredRole.STORED_OWNER;
    };
  }

  static Membership.Role role(StoredRole role) {
    return switch (role) {
      case STORED_MEMBER -> Membership.Role.MEMBER;
      case STORED_ADMIN -> Membership.Role.ADMIN;
      case STORED_OWNER -> Membership.Role.OWNER;
      default -> throw new IllegalArgumentException("unknown stored role " + role);
    };
  }

  static StoredMemberChange change(Membership.Change change) {
    StoredMemberChange.Builder b =
        StoredMemberChange.newBuilder().setUser(StoredModel.address(change.user()));
    if (change instanceof Membership.Added added) {
      b.setOp(StoredMemberChange.Op.ADDED).setRole(role(added.role()));
    } else if (change instanceof Membership.Removed) {
      b.setOp(StoredMemberChange.Op.REMOVED);
    } else if (change instanceof Membership.RoleChanged changed) {
      b.setOp(StoredMemberChange.Op.ROLE_CHANGED).setRole(role(changed.role()));
    } else if (change instanceof Membership.Muted muted) {
      b.setOp(StoredMemberChange.Op.MUTED).setMuted(muted.muted());
    }
    return b.build();
  }

  static Membership.Change change(StoredMemberChange c) {
    var user = StoredModel.address(c.getUser());
    return switch (c.getOp()) {
      case ADDED -> new Membership.Added(user, role(c.getRole()));
      case REMOVED -> new Membership.Removed(user);
      case ROLE_CHANGED -> new Membership.RoleChanged(user, role(c.getRole()));
      case MUTED -> new Membership.Muted(user, c.getMuted());
      default -> throw new IllegalArgumentException("unknown stored member change " + c.getOp());
    };
  }

  static StoredBucketCount count(BucketCount count) {
    return StoredBucketCount.newBuilder()
        .setPlatformId(count.platformId())
        .setBucket(count.bucket())
        .setBucketSequence(count.bucketSequence())
        .setTotal(count.total())
        .build();
  }

  static BucketCount count(StoredBucketCount c) {
    return new BucketCount(c.getPlatformId(), c.getBucket(), c.getBucketSequence(), c.getTotal());
  }

  /** The channel's counts for its snapshot: the latest count of each bucket. */
  public static StoredSubscriberCounts counts(SubscriberCounts counts) {
    StoredSubscriberCounts.Builder b = StoredSubscriberCounts.newBuilder();
    counts.buckets().forEach(c -> b.addBuckets(count(c)));
    return b.build();
  }

  public static SubscriberCounts counts(StoredSubscriberCounts stored) {
    return SubscriberCounts.of(stored.getBucketsList().stream().map(StoredGroups::count).toList());
  }
}
