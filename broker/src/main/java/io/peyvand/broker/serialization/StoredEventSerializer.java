package io.peyvand.broker.serialization;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peyvand.broker.calls.Call;
import io.peyvand.broker.directory.Lookups;
import io.peyvand.broker.group.ChannelSubscribers;
import io.peyvand.broker.group.Group;
import io.peyvand.broker.group.GroupItem;
import io.peyvand.broker.group.SubscribersCounted;
import io.peyvand.broker.keys.KeyDirectory;
import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.CallEnd;
import io.peyvand.broker.model.CallMedia;
import io.peyvand.broker.platform.Platform;
import io.peyvand.broker.tls.CertificateRevocations;
import io.peyvand.persistence.stored.v1.CallAnswered;
import io.peyvand.persistence.stored.v1.CallEnded;
import io.peyvand.persistence.stored.v1.CallInvited;
import io.peyvand.persistence.stored.v1.CallRecorded;
import io.peyvand.persistence.stored.v1.CallResumed;
import io.peyvand.persistence.stored.v1.CertificateRevoked;
import io.peyvand.persistence.stored.v1.ChannelSubscribed;
import io.peyvand.persistence.stored.v1.ChannelSubscribersCounted;
import io.peyvand.persistence.stored.v1.ChannelSubscribersSnapshot;
import io.peyvand.persistence.stored.v1.ChannelUnsubscribed;
import io.peyvand.persistence.stored.v1.ConsentChanged;
import io.peyvand.persistence.stored.v1.GroupCallChanged;
import io.peyvand.persistence.stored.v1.GroupCountsPublished;
import io.peyvand.persistence.stored.v1.GroupCreated;
import io.peyvand.persistence.stored.v1.GroupItemsExpired;
import io.peyvand.persistence.stored.v1.GroupMembersChanged;
import io.peyvand.persistence.stored.v1.GroupPlatformAcknowledged;
import io.peyvand.persistence.stored.v1.GroupPostAccepted;
import io.peyvand.persistence.stored.v1.GroupReactionCounted;
import io.peyvand.persistence.stored.v1.GroupSnapshot;
import io.peyvand.persistence.stored.v1.GroupTitleChanged;
import io.peyvand.persistence.stored.v1.ItemsAcknowledged;
import io.peyvand.persistence.stored.v1.ItemsExpired;
import io.peyvand.persistence.stored.v1.KeyDirectorySnapshot;
import io.peyvand.persistence.stored.v1.KeyPackageLogged;
import io.peyvand.persistence.stored.v1.KeyPackagePublished;
import io.peyvand.persistence.stored.v1.KeyPackagesClaimed;
import io.peyvand.persistence.stored.v1.KeyPackagesWithdrawn;
import io.peyvand.persistence.stored.v1.LookupsAdmitted;
import io.peyvand.persistence.stored.v1.LookupsSnapshot;
import io.peyvand.persistence.stored.v1.MailboxSnapshot;
import io.peyvand.persistence.stored.v1.MessageAccepted;
import io.peyvand.persistence.stored.v1.MessagesRead;
import io.peyvand.persistence.stored.v1.NotificationsConfirmed;
import io.peyvand.persistence.stored.v1.PlatformConfigured;
import io.peyvand.persistence.stored.v1.PlatformQuotaSet;
import io.peyvand.persistence.stored.v1.PlatformRegistered;
import io.peyvand.persistence.stored.v1.PlatformRenamed;
import io.peyvand.persistence.stored.v1.SenderBlockChanged;
import io.peyvand.persistence.stored.v1.StatusAccepted;
import io.peyvand.persistence.stored.v1.StatusesAcknowledged;
import java.io.NotSerializableException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Turns the broker's persisted events (and the stored snapshots) into their stored protobuf form
 * (module persistence, package peyvand.persistence.v1) and back. The identifier and every manifest
 * are part of the stored data: never change or reuse one. A new event gets a new manifest here and
 * a stored sample in StoredEventSerializerTest; a changed event gets new protobuf fields, never
 * renumbered ones.
 */
public final class StoredEventSerializer extends SerializerWithStringManifest {
  /** Fixed forever: it is written into every journal row. */
  public static final int IDENTIFIER = 7401;

  private interface Reader {
    Object read(byte[] bytes) throws InvalidProtocolBufferException;
  }

  private record Codec(
      String manifest, Class<?> type, Function<Object, byte[]> writer, Reader reader) {}

  private static final List<Codec> CODECS =
      List.of(
          codec(
              "platform-registered",
              Platform.PlatformRegistered.class,
              e ->
                  PlatformRegistered.newBuilder()
                      .setPlatformId(e.platformId())
                      .setDisplayName(e.displayName())
                      .setRegisteredAtEpochMillis(e.registeredAt().toEpochMilli())
                      .build()
                      .toByteArray(),
              bytes -> {
                PlatformRegistered p = PlatformRegistered.parseFrom(bytes);
                return new Platform.PlatformRegistered(
                    p.getPlatformId(),
                    p.getDisplayName(),
                    Instant.ofEpochMilli(p.getRegisteredAtEpochMillis()));
              }),
          codec(
              "platform-renamed",
              Platform.PlatformRenamed.class,
              e ->
                  PlatformRenamed.newBuilder()
                      .setDisplayName(e.displayName())
                      .build()
                      .toByteArray(),
              bytes ->
                  new Platform.PlatformRenamed(PlatformRenamed.parseFrom(bytes).getDisplayName())),
          codec(
              "platform-configured",
              Platform.PlatformConfigured.class,
              e ->
                  PlatformConfigured.newBuilder()
                      .setCapabilities(StoredModel.capabilities(e.capabilities()))
                      .setDefaultOptedIn(e.defaultOptedIn())
                      .build()
                      .toByteArray(),
              bytes -> {
                PlatformConfigured p = PlatformConfigured.parseFrom(bytes);
                return new Platform.PlatformConfigured(
                    StoredModel.capabilities(p.getCapabilities()), p.getDefaultOptedIn());
              }),
          codec(
              "platform-quota-set",
              Platform.PlatformQuotaSet.class,
              e ->
                  PlatformQuotaSet.newBuilder()
                      .setQuota(StoredModel.quota(e.quota()))
                      .build()
                      .toByteArray(),
              bytes ->
                  new Platform.PlatformQuotaSet(
                      StoredModel.quota(PlatformQuotaSet.parseFrom(bytes).getQuota()))),
          codec(
              "certificate-revoked",
              CertificateRevocations.CertificateRevoked.class,
              e ->
                  CertificateRevoked.newBuilder()
                      .setSerialHex(e.serial().toString(16))
                      .setReason(e.reason())
                      .setRevokedAtEpochMillis(e.at().toEpochMilli())
                      .setRevokedBy(e.by())
                      .build()
                      .toByteArray(),
              bytes -> {
                CertificateRevoked r = CertificateRevoked.parseFrom(bytes);
                return new CertificateRevocations.CertificateRevoked(
                    new BigInteger(r.getSerialHex(), 16),
                    r.getReason(),
                    Instant.ofEpochMilli(r.getRevokedAtEpochMillis()),
                    r.getRevokedBy());
              }),
          codec(
              "group-created",
              Group.GroupCreated.class,
              e ->
                  GroupCreated.newBuilder()
                      .setKind(StoredGroups.kind(e.kind()))
                      .setTitle(e.title())
                      .setOpen(e.open())
                      .setOwner(StoredModel.address(e.owner()))
                      .setAtMs(e.atMs())
                      .build()
                      .toByteArray(),
              bytes -> {
                GroupCreated g = GroupCreated.parseFrom(bytes);
                return new Group.GroupCreated(
                    StoredGroups.kind(g.getKind()),
                    g.getTitle(),
                    g.getOpen(),
                    StoredModel.address(g.getOwner()),
                    g.getAtMs());
              }),
          codec(
              "group-members-changed",
              Group.MembersChanged.class,
              e ->
                  GroupMembersChanged.newBuilder()
                      .setActor(StoredModel.address(e.actor()))
                      .addAllChanges(e.changes().stream().map(StoredGroups::change).toList())
                      .setAtMs(e.atMs())
                      .setFirstSequence(e.firstSequence())
                      .build()
                      .toByteArray(),
              bytes -> {
                GroupMembersChanged g = GroupMembersChanged.parseFrom(bytes);
                return new Group.MembersChanged(
                    g.getFirstSequence(),
                    StoredModel.address(g.getActor()),
                    g.getChangesList().stream().map(StoredGroups::change).toList(),
                    g.getAtMs());
              }),
          codec(
              "group-call-changed",
              Group.CallChanged.class,
              e ->
                  GroupCallChanged.newBuilder()
                      .setSequence(e.sequence())
                      .setUser(StoredModel.address(e.user()))
                      .setCallId(e.callId())
                      .setAction(e.action().stored())
                      .setAtMs(e.atMs())
                      .build()
                      .toByteArray(),
              bytes -> {
                GroupCallChanged g = GroupCallChanged.parseFrom(bytes);
                return new Group.CallChanged(
                    g.getSequence(),
                    StoredModel.address(g.getUser()),
                    g.getCallId(),
                    GroupItem.CallAction.fromStored(g.getAction()),
                    g.getAtMs());
              }),
          codec(
              "group-title-changed",
              Group.TitleChanged.class,
              e ->
                  GroupTitleChanged.newBuilder()
                      .setActor(StoredModel.address(e.actor()))
                      .setTitle(e.title())
                      .setAtMs(e.atMs())
                      .setSequence(e.sequence())
                      .build()
                      .toByteArray(),
              bytes -> {
                GroupTitleChanged g = GroupTitleChanged.parseFrom(bytes);
                return new Group.TitleChanged(
                    g.getSequence(), StoredModel.address(g.getActor()), g.getTitle(), g.getAtMs());
              }),
          codec(
              "group-post-accepted",
              Group.PostAccepted.class,
              e ->
                  GroupPostAccepted.newBuilder()
                      .setMessage(StoredModel.message(e.message()))
                      .setAtMs(e.atMs())
                      .setSequence(e.sequence())
                      .build()
                      .toByteArray(),
              bytes -> {
                GroupPostAccepted g = GroupPostAccepted.parseFrom(bytes);
                return new Group.PostAccepted(
                    g.getSequence(), StoredModel.message(g.getMessage()), g.getAtMs());
              }),
          codec(
              "group-platform-acknowledged",
              Group.PlatformAcknowledged.class,
              e ->
                  GroupPlatformAcknowledged.newBuilder()
                      .setPlatformId(e.platformId())
                      .setUpTo(e.upTo())
                      .build()
                      .toByteArray(),
              bytes -> {
                GroupPlatformAcknowledged g = GroupPlatformAcknowledged.parseFrom(bytes);
                return new Group.PlatformAcknowledged(g.getPlatformId(), g.getUpTo());
              }),
          codec(
              "group-items-expired",
              Group.ItemsExpired.class,
              e -> GroupItemsExpired.newBuilder().setBeforeMs(e.beforeMs()).build().toByteArray(),
              bytes -> new Group.ItemsExpired(GroupItemsExpired.parseFrom(bytes).getBeforeMs())),
          codec(
              "group-reaction-counted",
              Group.ReactionCounted.class,
              e ->
                  GroupReactionCounted.newBuilder()
                      .setMessage(StoredModel.message(e.message()))
                      .setAtMs(e.atMs())
                      .build()
                      .toByteArray(),
              bytes -> {
                GroupReactionCounted g = GroupReactionCounted.parseFrom(bytes);
                return new Group.ReactionCounted(StoredModel.message(g.getMessage()), g.getAtMs());
              }),
          codec(
              "group-counts-published",
              Group.CountsPublished.class,
              e ->
                  GroupCountsPublished.newBuilder()
                      .setFirstSequence(e.firstSequence())
                      .addAllPostSequences(e.postSequences())
                      .setAtMs(e.atMs())
                      .build()
                      .toByteArray(),
              bytes -> {
                GroupCountsPublished g = GroupCountsPublished.parseFrom(bytes);
                return new Group.CountsPublished(
                    g.getFirstSequence(), g.getPostSequencesList(), g.getAtMs());
              }),
          codec(
              "channel-subscribed",
              ChannelSubscribers.Subscribed.class,
              e -> ChannelSubscribed.newBuilder().addAllUserIds(e.userIds()).build().toByteArray(),
              bytes ->
                  new ChannelSubscribers.Subscribed(
                      ChannelSubscribed.parseFrom(bytes).getUserIdsList())),
          codec(
              "channel-unsubscribed",
              ChannelSubscribers.Unsubscribed.class,
              e ->
                  ChannelUnsubscribed.newBuilder().addAllUserIds(e.userIds()).build().toByteArray(),
              bytes ->
                  new ChannelSubscribers.Unsubscribed(
                      ChannelUnsubscribed.parseFrom(bytes).getUserIdsList())),
          codec(
              "channel-subscribers-counted",
              SubscribersCounted.class,
              e ->
                  ChannelSubscribersCounted.newBuilder()
                      .addAllCounts(e.counts().stream().map(StoredGroups::count).toList())
                      .build()
                      .toByteArray(),
              bytes ->
                  new SubscribersCounted(
                      ChannelSubscribersCounted.parseFrom(bytes).getCountsList().stream()
                          .map(StoredGroups::count)
                          .toList())),
          codec(
              "channel-subscribers-snapshot",
              ChannelSubscribersSnapshot.class,
              ChannelSubscribersSnapshot::toByteArray,
              ChannelSubscribersSnapshot::parseFrom),
          codec(
              "call-invited",
              Call.Invited.class,
              e ->
                  CallInvited.newBuilder()
                      .setCallee(StoredModel.address(e.callee()))
                      .addAllMedia(e.media().stream().map(CallMedia::stored).toList())
                      .setSdpOffer(e.sdpOffer())
                      .setAtEpochMillis(e.atMs())
                      .setRingingUntilEpochMillis(e.ringingUntilMs())
                      .setCallerSession(e.callerSession())
                      .build()
                      .toByteArray(),
              bytes -> {
                CallInvited i = CallInvited.parseFrom(bytes);
                return new Call.Invited(
                    StoredModel.address(i.getCallee()),
                    i.getMediaList().stream().map(CallMedia::fromStored).toList(),
                    i.getSdpOffer(),
                    i.getAtEpochMillis(),
                    i.getRingingUntilEpochMillis(),
                    i.getCallerSession());
              }),
          codec(
              "call-answered",
              Call.Answered.class,
              e ->
                  CallAnswered.newBuilder()
                      .setAtEpochMillis(e.atMs())
                      .setCalleeSession(e.calleeSession())
                      .build()
                      .toByteArray(),
              bytes -> {
                CallAnswered a = CallAnswered.parseFrom(bytes);
                return new Call.Answered(a.getAtEpochMillis(), a.getCalleeSession());
              }),
          codec(
              "call-resumed",
              Call.SessionMoved.class,
              e ->
                  CallResumed.newBuilder()
                      .setSide(e.side() == Call.Side.CALLER ? "caller" : "callee")
                      .setSession(e.session())
                      .setAtEpochMillis(e.atMs())
                      .build()
                      .toByteArray(),
              bytes -> {
                CallResumed r = CallResumed.parseFrom(bytes);
                return new Call.SessionMoved(
                    r.getSide().equals("caller") ? Call.Side.CALLER : Call.Side.CALLEE,
                    r.getSession(),
                    r.getAtEpochMillis());
              }),
          codec(
              "call-ended",
              Call.Ended.class,
              e ->
                  CallEnded.newBuilder()
                      .setReason(e.reason().stored())
                      .setAtEpochMillis(e.atMs())
                      .build()
                      .toByteArray(),
              bytes -> {
                CallEnded e = CallEnded.parseFrom(bytes);
                return new Call.Ended(CallEnd.fromStored(e.getReason()), e.getAtEpochMillis());
              }),
          codec(
              "call-recorded",
              Call.Recorded.class,
              e -> CallRecorded.newBuilder().setAtEpochMillis(e.atMs()).build().toByteArray(),
              bytes -> new Call.Recorded(CallRecorded.parseFrom(bytes).getAtEpochMillis())),
          codec(
              "lookups-admitted",
              Lookups.LookupsAdmitted.class,
              e ->
                  LookupsAdmitted.newBuilder()
                      .setAtEpochMillis(e.at().toEpochMilli())
                      .addAllNumbers(e.numbers())
                      .setAllowance(LookupSnapshots.allowance(e.allowance()))
                      .build()
                      .toByteArray(),
              bytes -> {
                LookupsAdmitted a = LookupsAdmitted.parseFrom(bytes);
                return new Lookups.LookupsAdmitted(
                    Instant.ofEpochMilli(a.getAtEpochMillis()),
                    a.getNumbersList(),
                    LookupSnapshots.allowance(a.getAllowance()));
              }),
          codec(
              "key-package-published",
              KeyDirectory.KeyPackagePublished.class,
              e ->
                  KeyPackagePublished.newBuilder()
                      .setKeyPackage(KeyDirectorySnapshots.stored(e.keyPackage()))
                      .setReplaces(
                          e.replaces().map(KeyDirectorySnapshots::bytes).orElse(ByteString.EMPTY))
                      .build()
                      .toByteArray(),
              bytes -> {
                KeyPackagePublished p = KeyPackagePublished.parseFrom(bytes);
                return new KeyDirectory.KeyPackagePublished(
                    KeyDirectorySnapshots.stored(p.getKeyPackage()),
                    p.getReplaces().isEmpty()
                        ? Optional.empty()
                        : Optional.of(KeyDirectorySnapshots.hex(p.getReplaces())));
              }),
          codec(
              "key-package-logged",
              KeyDirectory.KeyPackageLogged.class,
              e ->
                  KeyPackageLogged.newBuilder()
                      .setReference(KeyDirectorySnapshots.bytes(e.reference()))
                      .setLogIndex(e.index())
                      .build()
                      .toByteArray(),
              bytes -> {
                KeyPackageLogged l = KeyPackageLogged.parseFrom(bytes);
                return new KeyDirectory.KeyPackageLogged(
                    KeyDirectorySnapshots.hex(l.getReference()), l.getLogIndex());
              }),
          codec(
              "key-packages-claimed",
              KeyDirectory.KeyPackagesClaimed.class,
              e ->
                  KeyPackagesClaimed.newBuilder()
                      .addAllReferences(KeyDirectorySnapshots.bytes(e.references()))
                      .build()
                      .toByteArray(),
              bytes ->
                  new KeyDirectory.KeyPackagesClaimed(
                      KeyDirectorySnapshots.hex(
                          KeyPackagesClaimed.parseFrom(bytes).getReferencesList()))),
          codec(
              "key-packages-withdrawn",
              KeyDirectory.KeyPackagesWithdrawn.class,
              e ->
                  KeyPackagesWithdrawn.newBuilder()
                      .addAllReferences(KeyDirectorySnapshots.bytes(e.references()))
                      .setReason(e.reason().name().toLowerCase(Locale.ROOT))
                      .build()
                      .toByteArray(),
              bytes -> {
                KeyPackagesWithdrawn w = KeyPackagesWithdrawn.parseFrom(bytes);
                return new KeyDirectory.KeyPackagesWithdrawn(
                    KeyDirectorySnapshots.hex(w.getReferencesList()),
                    KeyDirectory.Withdrawal.valueOf(w.getReason().toUpperCase(Locale.ROOT)));
              }),
          codec(
              "key-directory-snapshot",
              KeyDirectorySnapshot.class,
              KeyDirectorySnapshot::toByteArray,
              KeyDirectorySnapshot::parseFrom),
          codec(
              "lookups-snapshot",
              LookupsSnapshot.class,
              LookupsSnapshot::toByteArray,
              LookupsSnapshot::parseFrom),
          codec(
              "mailbox-message-accepted",
              UserMailbox.MessageAccepted.class,
              e ->
                  MessageAccepted.newBuilder()
                      .setSequence(e.sequence())
                      .setMessage(StoredModel.message(e.message()))
                      .setAcceptedAtMs(e.acceptedAtMs())
                      .setStatusesByRecipient(e.statusesByRecipient())
                      .build()
                      .toByteArray(),
              bytes -> {
                MessageAccepted m = MessageAccepted.parseFrom(bytes);
                return new UserMailbox.MessageAccepted(
                    m.getSequence(),
                    StoredModel.message(m.getMessage()),
                    m.getAcceptedAtMs(),
                    m.getStatusesByRecipient());
              }),
          codec(
              "mailbox-status-accepted",
              UserMailbox.StatusAccepted.class,
              e ->
                  StatusAccepted.newBuilder()
                      .setSequence(e.sequence())
                      .setStatus(StoredModel.status(e.status()))
                      .setAcceptedAtMs(e.acceptedAtMs())
                      .build()
                      .toByteArray(),
              bytes -> {
                StatusAccepted s = StatusAccepted.parseFrom(bytes);
                return new UserMailbox.StatusAccepted(
                    s.getSequence(), StoredModel.status(s.getStatus()), s.getAcceptedAtMs());
              }),
          codec(
              "mailbox-acknowledged",
              UserMailbox.ItemsAcknowledged.class,
              e ->
                  ItemsAcknowledged.newBuilder()
                      .setUpToSequence(e.upToSequence())
                      .setAtMs(e.atMs())
                      .build()
                      .toByteArray(),
              bytes -> {
                ItemsAcknowledged a = ItemsAcknowledged.parseFrom(bytes);
                return new UserMailbox.ItemsAcknowledged(a.getUpToSequence(), a.getAtMs());
              }),
          codec(
              "mailbox-read",
              UserMailbox.MessagesRead.class,
              e ->
                  MessagesRead.newBuilder()
                      .setUpToSequence(e.upToSequence())
                      .setAtMs(e.atMs())
                      .build()
                      .toByteArray(),
              bytes -> {
                MessagesRead r = MessagesRead.parseFrom(bytes);
                return new UserMailbox.MessagesRead(r.getUpToSequence(), r.getAtMs());
              }),
          codec(
              "mailbox-expired",
              UserMailbox.ItemsExpired.class,
              e ->
                  ItemsExpired.newBuilder()
                      .setUpToSequence(e.upToSequence())
                      .setAtMs(e.atMs())
                      .build()
                      .toByteArray(),
              bytes -> {
                ItemsExpired x = ItemsExpired.parseFrom(bytes);
                return new UserMailbox.ItemsExpired(x.getUpToSequence(), x.getAtMs());
              }),
          codec(
              "mailbox-notifications-confirmed",
              UserMailbox.NotificationsConfirmed.class,
              e -> {
                NotificationsConfirmed.Builder b = NotificationsConfirmed.newBuilder();
                e.keys().forEach(k -> b.addKeys(MailboxSnapshots.key(k)));
                return b.build().toByteArray();
              },
              bytes ->
                  new UserMailbox.NotificationsConfirmed(
                      NotificationsConfirmed.parseFrom(bytes).getKeysList().stream()
                          .map(MailboxSnapshots::key)
                          .toList())),
          codec(
              "mailbox-statuses-acknowledged",
              UserMailbox.StatusesAcknowledged.class,
              e ->
                  StatusesAcknowledged.newBuilder()
                      .setPlatformId(e.platformId())
                      .setUpToSequence(e.upToSequence())
                      .setAtMs(e.atMs())
                      .build()
                      .toByteArray(),
              bytes -> {
                StatusesAcknowledged a = StatusesAcknowledged.parseFrom(bytes);
                return new UserMailbox.StatusesAcknowledged(
                    a.getPlatformId(), a.getUpToSequence(), a.getAtMs());
              }),
          codec(
              "mailbox-consent",
              UserMailbox.ConsentChanged.class,
              e ->
                  ConsentChanged.newBuilder()
                      .setOptedIn(e.optedIn())
                      .setBefore(
                          e.before()
                              .map(
                                  in ->
                                      in
                                          ? MailboxSnapshot.Consent.OPTED_IN
                                          : MailboxSnapshot.Consent.OPTED_OUT)
                              .orElse(MailboxSnapshot.Consent.UNSET))
                      .build()
                      .toByteArray(),
              bytes -> {
                ConsentChanged c = ConsentChanged.parseFrom(bytes);
                return new UserMailbox.ConsentChanged(
                    c.getOptedIn(),
                    switch (c.getBefore()) {
                      case OPTED_IN -> Optional.of(true);
                      case OPTED_OUT -> Optional.of(false);
                      default -> Optional.<Boolean>empty();
                    });
              }),
          codec(
              "mailbox-blocked",
              UserMailbox.SenderBlockChanged.class,
              e ->
                  SenderBlockChanged.newBuilder()
                      .setSender(StoredModel.address(e.sender()))
                      .setBlocked(e.blocked())
                      .build()
                      .toByteArray(),
              bytes -> {
                SenderBlockChanged b = SenderBlockChanged.parseFrom(bytes);
                return new UserMailbox.SenderBlockChanged(
                    StoredModel.address(b.getSender()), b.getBlocked());
              }),
          codec(
              "mailbox-snapshot",
              MailboxSnapshot.class,
              MailboxSnapshot::toByteArray,
              MailboxSnapshot::parseFrom),
          codec(
              "group-snapshot",
              GroupSnapshot.class,
              GroupSnapshot::toByteArray,
              GroupSnapshot::parseFrom));

  private static final Map<Class<?>, Codec> BY_TYPE = new HashMap<>();
  private static final Map<String, Codec> BY_MANIFEST = new HashMap<>();

  static {
    for (Codec codec : CODECS) {
      if (BY_TYPE.put(codec.type(), codec) != null
          || BY_MANIFEST.put(codec.manifest(), codec) != null) {
        throw new IllegalStateException("duplicate stored codec " + codec.manifest());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> Codec codec(
      String manifest, Class<T> type, Function<T, byte[]> writer, Reader reader) {
    return new Codec(manifest, type, o -> writer.apply((T) o), reader);
  }

  public StoredEventSerializer(ExtendedActorSystem system) {}

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    return codecFor(o).manifest();
  }

  @Override
  public byte[] toBinary(Object o) {
    return codecFor(o).writer().apply(o);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    Codec codec = BY_MANIFEST.get(manifest);
    if (codec == null) {
      throw new NotSerializableException(
          "unknown stored event manifest '" + manifest + "': written by a newer broker version?");
    }
    try {
      return codec.reader().read(bytes);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new NotSerializableException(
          "corrupt stored event (" + manifest + "): " + e.getMessage());
    }
  }

  private static Codec codecFor(Object o) {
    Codec codec = BY_TYPE.get(o.getClass());
    if (codec == null) {
      throw new IllegalArgumentException("no stored form for " + o.getClass().getName());
    }
    return codec;
  }

  /** Manifests in use, for tests. */
  static List<String> manifests() {
    return CODECS.stream().map(Codec::manifest).toList();
  }
}
