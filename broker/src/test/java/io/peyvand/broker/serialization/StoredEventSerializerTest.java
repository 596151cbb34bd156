package io.peyvand.broker.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.calls.Call;
import io.peyvand.broker.directory.DirectorySettings;
import io.peyvand.broker.directory.LookupLedger;
import io.peyvand.broker.directory.Lookups;
import io.peyvand.broker.group.BucketCount;
import io.peyvand.broker.group.ChannelSubscribers;
import io.peyvand.broker.group.Group;
import io.peyvand.broker.group.GroupSettings;
import io.peyvand.broker.group.GroupState;
import io.peyvand.broker.group.SubscriberCounts;
import io.peyvand.broker.group.SubscribersCounted;
import io.peyvand.broker.keys.KeyDirectory;
import io.peyvand.broker.keys.KeyShelf;
import io.peyvand.broker.mailbox.MailboxState;
import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.platform.Platform;
import io.peyvand.broker.tls.CertificateRevocations;
import io.peyvand.persistence.stored.v1.GroupSnapshot;
import io.peyvand.persistence.stored.v1.MailboxSnapshot;
import java.io.NotSerializableException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every persisted event has a stored form, and bytes written by earlier versions still read back.
 * Adding an event without a manifest, an example and a stored sample fails here.
 */
class StoredEventSerializerTest {
  private final StoredEventSerializer serializer = new StoredEventSerializer(null);

  /**
   * Bytes as stored by version 0.1 (hex), by manifest. Never edit an entry: add one when an event
   * is added (print HexFormat.of().formatHex(serializer.toBinary(example)) for its example).
   */
  private static final Map<String, String> STORED_V1 =
      Map.ofEntries(
          Map.entry("platform-registered", "0a0462616c65120442616c6518cbbc9c8da234"),
          Map.entry(
              "key-package-published",
              "0a210a030a0b0c1202c11e180120a0e4d4d80628a0a1f8d906380740014a0400010005120299aa"),
          Map.entry("key-package-logged", "0a030a0b0c102a"),
          Map.entry("key-packages-claimed", "0a030a0b0c0a01ff"),
          Map.entry("key-packages-withdrawn", "0a030a0b0c120765787069726564"),
          Map.entry("platform-renamed", "0a0e42616c65204d657373656e676572"),
          Map.entry(
              "platform-configured",
              "0a1c08802010011880ade204200128840730014001480152056d6c732d311001"),
          Map.entry(
              "mailbox-message-accepted",
              "080112320a036d2d31120e0a0565697461611205616c6963651a0b0a0462616c651203626f6220c6bc9c8da23452070a0573616c616d18cbbc9c8da234"),
          Map.entry(
              "mailbox-status-accepted",
              "0802121d0a036d2d39120b0a0462616c651203626f621802280430cbbc9c8da23418ccbc9c8da234"),
          Map.entry("mailbox-acknowledged", "080210cdbc9c8da234"),
          Map.entry("mailbox-read", "080110cebc9c8da234"),
          Map.entry("mailbox-expired", "080310cfbc9c8da234"),
          Map.entry("mailbox-notifications-confirmed", "0a04080110010a0408011002"),
          // opted_in = false is protobuf's default: no bytes at all.
          Map.entry("mailbox-consent", ""),
          Map.entry("mailbox-blocked", "0a0e0a0565697461611205616c6963651001"),
          // Added in 0.2 (issue 4: the Admin service).
          Map.entry("platform-quota-set", "0a0a08f40310e80718052810"),
          Map.entry(
              "certificate-revoked",
              "0a0c356133663963316232653737120a6b6579206c65616b656418c8fcac8da23422096465762d61646d696e"),
          // Added in 0.3 (issue 6: groups and channels).
          Map.entry(
              "group-created",
              "0801120646616d696c79220e0a0565697461611205616c69636528cbbc9c8da234"),
          Map.entry(
              "group-members-changed",
              "0a0e0a0565697461611205616c69636512110801120b0a0462616c651203626f62180112110803120b0a0462616c651203626f62180212110804120b0a0462616c651203626f622001120f0802120b0a0462616c651203626f6218ccbc9c8da2342002"),
          Map.entry(
              "group-title-changed",
              "0a0e0a0565697461611205616c696365120846616d696c79203218cdbc9c8da2342006"),
          Map.entry(
              "group-post-accepted",
              "0a3a0a03672d31120e0a0565697461611205616c6963651a0f0a056569746161120666616d696c7920c6bc9c8da234520b0a0973616c616d20616c6c10cebc9c8da2341807"),
          Map.entry("group-platform-acknowledged", "0a0462616c651007"),
          Map.entry("group-items-expired", "08cb8483e4a134"),
          Map.entry(
              "group-reaction-counted",
              "0a360a03722d31120b0a0462616c651203626f621a0f0a056569746161120666616d696c7920c7bc9c8da2346a0a0a03672d311203e29da410cfbc9c8da234"),
          Map.entry("group-counts-published", "08081202070318d0bc9c8da234"),
          Map.entry("channel-subscribed", "0a03626f620a08d985d8b1db8cd985"),
          Map.entry("channel-unsubscribed", "0a03626f62"),
          Map.entry(
              "channel-subscribers-counted",
              "0a0d0a0462616c651011180420b0090a0a0a06727562696b611801"),
          // Added in 0.4 (issue 15: statuses by recipient).
          Map.entry("mailbox-statuses-acknowledged", "0a056569746161100318d0bc9c8da234"),
          // Added in 0.5 (issue 17: the directory).
          Map.entry(
              "lookups-admitted",
              "08fb9ccdb0a43412102a00000000000000f9ffffffffffffff1a1009000000000064894010fb9ccdb0a434"),
          // Added in 0.6 (issue 18: calls).
          Map.entry(
              "call-invited",
              "0a0b0a0462616c651203626f621205617564696f1205766964656f1a05763d300d0a20cbbc9c8da23428ab91"
                  + "a08da234323d70656b6b6f3a2f2f50657976616e644031302e302e302e313a373335352f7379737465"
                  + "6d2f73657373696f6e2d65697461612d312f63616c6c73233432"),
          Map.entry(
              "call-answered",
              "08d3e39c8da234123b70656b6b6f3a2f2f50657976616e644031302e302e302e323a373335352f737973"
                  + "74656d2f73657373696f6e2d62616c652d322f63616c6c732337"),
          Map.entry(
              "call-resumed",
              "0a0663616c6c6572123c70656b6b6f3a2f2f50657976616e644031302e302e302e333a373335352f7379"
                  + "7374656d2f73657373696f6e2d65697461612d332f63616c6c73233918bbeb9c8da234"),
          Map.entry("call-ended", "0a096e6f2d616e7377657210ab91a08da234"),
          Map.entry("call-recorded", "088f92a08da234"),
          Map.entry(
              "group-call-changed",
              "0809120b0a0462616c651203626f621a0467632d3122056d7574656428d1bc9c8da234"));

  @Test
  void everyEventTypeHasAnExampleAManifestAndAStoredSample() {
    Set<Class<?>> permitted =
        Stream.of(
                Stream.of(Platform.Event.class.getPermittedSubclasses()),
                Stream.of(UserMailbox.Event.class.getPermittedSubclasses()),
                Stream.of(CertificateRevocations.Event.class.getPermittedSubclasses()),
                Stream.of(Group.Event.class.getPermittedSubclasses()),
                Stream.of(ChannelSubscribers.Event.class.getPermittedSubclasses()),
                Stream.of(Lookups.Event.class.getPermittedSubclasses()),
                Stream.of(KeyDirectory.Event.class.getPermittedSubclasses()),
                Stream.of(Call.Event.class.getPermittedSubclasses()),
                // The channel entity's event (the entity is elsewhere): listed until it is.
                Stream.of(SubscribersCounted.class))
            .flatMap(s -> s)
            .collect(Collectors.toSet());
    Set<Class<?>> covered =
        StoredExamples.events().stream().map(Object::getClass).collect(Collectors.toSet());
    assertEquals(permitted, covered, "every event needs an example in StoredExamples");
    Set<String> manifests = new HashSet<>();
    for (Object example : StoredExamples.events()) {
      String manifest = serializer.manifest(example);
      assertTrue(manifests.add(manifest), "manifest used twice: " + manifest);
      assertTrue(STORED_V1.containsKey(manifest), "no stored sample for manifest " + manifest);
    }
  }

  @Test
  void everyEventRoundTrips() throws NotSerializableException {
    for (Object example : StoredExamples.events()) {
      String manifest = serializer.manifest(example);
      assertEquals(example, serializer.fromBinary(serializer.toBinary(example), manifest));
    }
  }

  @Test
  void everyContentKindRoundTrips() throws NotSerializableException {
    for (Content content : StoredExamples.contents()) {
      Object event =
          new UserMailbox.MessageAccepted(
              5, StoredExamples.message("m-5", content), StoredExamples.AT);
      assertEquals(
          event, serializer.fromBinary(serializer.toBinary(event), serializer.manifest(event)));
    }
  }

  @Test
  void aMessageWhoseStatusesGoByRecipientKeepsTheFlag() throws NotSerializableException {
    Object event =
        new UserMailbox.MessageAccepted(
            6, StoredExamples.message("m-6", new Content.Text("salam")), StoredExamples.AT, true);
    assertEquals(
        event, serializer.fromBinary(serializer.toBinary(event), "mailbox-message-accepted"));
  }

  @Test
  void aMailboxSnapshotKeepsItsStatusStreams() {
    MailboxState state = StoredExamples.state();
    MailboxState.StatusStream stream = state.statusStreams().get("eitaa");
    // m-4 DELIVERED (1), then READ of m-4 (2), READ of m-1 and m-2 went to the outbox.
    assertEquals(2, stream.last());
    assertEquals(1, stream.acknowledgedUpTo());
    assertEquals(List.of(2L), List.copyOf(stream.owed().keySet()));
    MailboxSnapshots adapter =
        new MailboxSnapshots(new MailboxState.Limits(Duration.ofDays(7), 100));
    MailboxState read = adapter.fromJournal(adapter.toJournal(state));
    assertEquals(2, read.statusStreams().get("eitaa").last());
    assertEquals(
        state.statusStreams().get("eitaa").owed(), read.statusStreams().get("eitaa").owed());
    // The pending m-5 still owes its statuses by recipient after the snapshot.
    read.apply(new UserMailbox.ItemsAcknowledged(5, StoredExamples.AT + 9));
    assertEquals(3, read.statusStreams().get("eitaa").last());
  }

  @Test
  void bytesStoredByEarlierVersionsStillReadBack() throws NotSerializableException {
    for (Object example : StoredExamples.events()) {
      String manifest = serializer.manifest(example);
      byte[] stored = HexFormat.of().parseHex(STORED_V1.get(manifest));
      assertEquals(example, serializer.fromBinary(stored, manifest), manifest);
    }
  }

  @Test
  void aMailboxSnapshotRestoresTheSameState() throws NotSerializableException {
    MailboxState.Limits limits = new MailboxState.Limits(Duration.ofDays(7), 100);
    MailboxSnapshots adapter = new MailboxSnapshots(limits);
    MailboxState state = StoredExamples.state();
    Object stored = adapter.toJournal(state);
    assertEquals("mailbox-snapshot", serializer.manifest(stored));
    MailboxSnapshot read =
        (MailboxSnapshot) serializer.fromBinary(serializer.toBinary(stored), "mailbox-snapshot");
    assertEquals(state.toSnapshot(), adapter.fromJournal(read).toSnapshot());
  }

  @Test
  void aLookupsSnapshotRestoresTheSameLedger() throws NotSerializableException {
    DirectorySettings settings =
        DirectorySettings.fromConfig(
            ConfigFactory.parseString("peyvand.directory.keys {}")
                .withFallback(ConfigFactory.defaultReference()),
            false);
    Instant at = Instant.parse("2026-12-05T12:00:00.123Z");
    LookupLedger ledger = new LookupLedger(settings.userAllowance(), settings.remember(), at);
    ledger.admit(at, List.of(1L, 2L, Long.MIN_VALUE));
    ledger.admit(at.plusSeconds(90_000), List.of(2L, 3L));
    LookupSnapshots adapter = new LookupSnapshots(settings);
    Object stored = adapter.toJournal(ledger);
    assertEquals("lookups-snapshot", serializer.manifest(stored));
    LookupLedger read =
        adapter.fromJournal(serializer.fromBinary(serializer.toBinary(stored), "lookups-snapshot"));
    assertEquals(ledger.seen(), read.seen());
    assertEquals(ledger.allowance(), read.allowance());
  }

  @Test
  void aKeyDirectorySnapshotRestoresTheSameKeyPackages() throws NotSerializableException {
    KeyShelf shelf = new KeyShelf(100);
    shelf.published(StoredExamples.keyPackage(), Optional.empty());
    KeyShelf.Stored lastResort =
        new KeyShelf.Stored(
            "ffee",
            "c11e",
            2,
            Instant.EPOCH,
            Instant.parse("2027-01-01T00:00:00Z"),
            true,
            KeyShelf.NOT_LOGGED,
            false,
            new byte[] {9, 9});
    shelf.published(lastResort, Optional.empty());
    KeyDirectorySnapshots adapter = new KeyDirectorySnapshots(100);
    Object stored = adapter.toJournal(shelf);
    assertEquals("key-directory-snapshot", serializer.manifest(stored));
    KeyShelf read =
        adapter.fromJournal(
            serializer.fromBinary(serializer.toBinary(stored), "key-directory-snapshot"));
    assertEquals(shelf.list(), read.list());
  }

  @Test
  void aChannelBucketSnapshotRestoresTheSameState() throws NotSerializableException {
    ChannelSubscriberSnapshots adapter = new ChannelSubscriberSnapshots();
    ChannelSubscribers.State state = StoredExamples.bucket();
    Object stored = adapter.toJournal(state);
    assertEquals("channel-subscribers-snapshot", serializer.manifest(stored));
    ChannelSubscribers.State read =
        adapter.fromJournal(
            serializer.fromBinary(serializer.toBinary(stored), "channel-subscribers-snapshot"));
    assertEquals(state.sequence(), read.sequence());
    assertEquals(state.users(), read.users());
    // A snapshot as 0.3 writes it (the order of the users is not part of the form).
    ChannelSubscribers.State v1 =
        adapter.fromJournal(
            serializer.fromBinary(
                HexFormat.of().parseHex("08031203626f621204736172611203616c69"),
                "channel-subscribers-snapshot"));
    assertEquals(3, v1.sequence());
    assertEquals(Set.of("bob", "sara", "ali"), v1.users());
  }

  /** {@link StoredExamples#groupSnapshot()} as 0.3 writes it. Never edit. */
  private static final String GROUP_SNAPSHOT_V1 =
      "080212044e6577731801220e0a0565697461611205616c69636528cbbc9c8da23432140a0e0a0565"
          + "697461611205616c6963651003200132130a0b0a0462616c651203626f6210021801200238064229"
          + "080110cbbc9c8da2341a05656974616122170a0e0a0565697461611205616c69636512054461696c"
          + "79423b080210cbbc9c8da2341a0462616c651a05656974616132230a0e0a0565697461611205616c"
          + "69636512110801120b0a0462616c651203626f6218024227080310ccbc9c8da2341a0462616c653a"
          + "160a0e0a0565697461611205616c69636512044e657773424a080410cdbc9c8da2341a0462616c65"
          + "1a0565697461612a320a03672d31120e0a0565697461611205616c6963651a0b0a0462616c651203"
          + "626f6220c6bc9c8da23452070a0573616c616d4234080510cebc9c8da2341a0462616c6532230a0e"
          + "0a0565697461611205616c69636512110804120b0a0462616c651203626f6220014229080610cfbc"
          + "9c8da2341a0462616c651a06727562696b61421008041203672d311a070a03e29da410034a080a04"
          + "62616c6510014a0a0a06727562696b61100352170a0e0a0565697461611205616c6963651203672d"
          + "31180452170a0e0a06727562696b611204736172611203722d31180452150a0e0a06727562696b61"
          + "1204736172611203722d305a070a03672d311004620b080412070a03e29da410036a010470097a04"
          + "080410058201100a0e0a06727562696b6110021807200c";

  @Test
  void aGroupSnapshotRestoresTheSameState() throws NotSerializableException {
    GroupState.Snapshot example = StoredExamples.groupSnapshot();
    GroupSnapshot stored = GroupSnapshots.toStored(example);
    assertEquals("group-snapshot", serializer.manifest(stored));
    assertEquals(
        example,
        GroupSnapshots.fromStored(
            (GroupSnapshot) serializer.fromBinary(serializer.toBinary(stored), "group-snapshot")));
    // Bytes as stored by 0.3 still read back.
    assertEquals(
        example,
        GroupSnapshots.fromStored(
            (GroupSnapshot)
                serializer.fromBinary(
                    HexFormat.of().parseHex(GROUP_SNAPSHOT_V1), "group-snapshot")));
    // The state it gives back holds exactly that; and through the adapter, the same again.
    GroupState state = GroupState.fromSnapshot(GroupSettings.reference(), example);
    assertEquals(example, state.toSnapshot());
    GroupSnapshots adapter = new GroupSnapshots(GroupSettings.reference());
    assertEquals(example, adapter.fromJournal(adapter.toJournal(state)).toSnapshot());
  }

  @Test
  void aChannelsCountsRestoreTheSameCounts() {
    SubscriberCounts counts =
        SubscriberCounts.of(
            List.of(
                new BucketCount("bale", 3, 9, 40),
                new BucketCount("bale", 5, 2, 2),
                new BucketCount("eitaa", 3, 1, 7)));
    SubscriberCounts read = StoredGroups.counts(StoredGroups.counts(counts));
    assertEquals(counts.buckets(), read.buckets());
    assertEquals(Map.of("bale", 42L, "eitaa", 7L), read.perPlatform());
  }

  @Test
  void anUnknownManifestIsAClearError() {
    NotSerializableException e =
        assertThrows(
            NotSerializableException.class,
            () -> serializer.fromBinary(new byte[0], "from-the-future"));
    assertTrue(e.getMessage().contains("newer broker"), e.getMessage());
  }

  @Test
  void theIdentifierNeverChanges() {
    assertEquals(7401, serializer.identifier());
    assertEquals(
        List.copyOf(StoredEventSerializer.manifests()).size(),
        Set.copyOf(StoredEventSerializer.manifests()).size());
  }

  /** Prints the hex of every example: run once when adding a stored sample. */
  public static void main(String[] args) {
    StoredEventSerializer s = new StoredEventSerializer(null);
    for (Object example : StoredExamples.events()) {
      System.out.println(s.manifest(example) + " " + HexFormat.of().formatHex(s.toBinary(example)));
    }
  }
}
