package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import io.peyvand.broker.TestConfig;
import io.peyvand.broker.delivery.PendingEntries;
import io.peyvand.broker.group.Membership.Added;
import io.peyvand.broker.group.Membership.Role;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.serialization.GroupSnapshots;
import io.peyvand.broker.serialization.StoredEventSerializer;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A group on the real Cassandra, through Cluster Sharding, with a snapshot every 10 events: the
 * snapshots are stored as protobuf beside every event (none deleted: they are the history), and a
 * new actor system recovers the group from its latest snapshot (the test removes the events the
 * snapshot covers first) with the same members, sequence, cursors, duplicates and history position.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupSnapshotIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Address GROUP = new Address("eitaa", "snap");
  private static final Address OWNER = new Address("eitaa", "maryam");
  private static final Address ALI = new Address("bale", "ali");
  private static final Address SARA = new Address("rubika", "sara");
  private static final String PID = Group.persistenceId(GROUP).id();

  /** The pending index is not under test: every registration succeeds at once. */
  private static final PendingEntries<Address> PENDING = PendingEntries.none();

  private Config config() {
    return TestConfig.onCassandra(
        cassandra,
        """
            pekko.remote.artery.canonical.port = 0
            peyvand.groups.snapshot-every = 10
            peyvand.groups.posts-per-second = 0
            """);
  }

  private EntityRef<Group.Command> start(ActorTestKit kit) {
    TestConfig.joinItself(kit.system());
    GroupSettings settings = GroupSettings.fromConfig(kit.system().settings().config());
    assertEquals(10, settings.snapshotEvery());
    Group.init(
        kit.system(),
        settings,
        ChannelSettings.fromConfig(kit.system().settings().config()),
        PENDING,
        new GroupSnapshots(settings));
    return ClusterSharding.get(kit.system()).entityRefFor(Group.ENTITY_KEY, GROUP.toString());
  }

  private static <R> R ask(
      EntityRef<Group.Command> group, Function<ActorRef<R>, Group.Command> command)
      throws Exception {
    return group
        .ask(command::apply, WAIT)
        .toCompletableFuture()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static Group.PostReply post(EntityRef<Group.Command> group, Address sender, String id)
      throws Exception {
    Message message = new Message(id, sender, GROUP, 1L, "", new Content.Text("salam " + id));
    return GroupSnapshotIT.<Group.PostReply>ask(group, r -> new Group.Post(message, r));
  }

  private long storedEvents() {
    return cassandra
        .session()
        .execute(
            "SELECT COUNT(*) FROM "
                + cassandra.keyspace()
                + ".messages WHERE persistence_id = '"
                + PID
                + "' AND partition_nr = 0")
        .one()
        .getLong(0);
  }

  @Test
  void aGroupRecoversFromItsSnapshotOnCassandraAndKeepsEveryEvent() throws Exception {
    Group.Info before;
    Group.HistoryAccess historyBefore;
    ActorTestKit first = ActorTestKit.create("GroupSnapshotIT1", config());
    try {
      EntityRef<Group.Command> group = start(first);
      assertInstanceOf(
          Group.Info.class,
          GroupSnapshotIT.<Group.Reply>ask(
              group, r -> new Group.Create(Group.Kind.GROUP, "Snap", false, OWNER, r)));
      assertInstanceOf(
          Group.Info.class,
          GroupSnapshotIT.<Group.Reply>ask(
              group,
              r ->
                  new Group.ChangeMembers(
                      OWNER,
                      List.of(new Added(ALI, Role.MEMBER), new Added(SARA, Role.MEMBER)),
                      r)));
      for (int i = 0; i < 22; i++) {
        assertInstanceOf(Group.Accepted.class, post(group, i % 2 == 0 ? ALI : SARA, "m-" + i));
      }
      assertInstanceOf(
          Group.Info.class,
          GroupSnapshotIT.<Group.Reply>ask(group, r -> new Group.Acknowledge("bale", 20, r)));
      assertInstanceOf(
          Group.Info.class,
          GroupSnapshotIT.<Group.Reply>ask(
              group,
              r -> new Group.Acknowledge("rubika", 9, r))); // 26 events: snapshots at 10 and 20
      before =
          GroupSnapshotIT.<Group.Reply>ask(group, Group.Get::new) instanceof Group.Info i
              ? i
              : null;
      historyBefore =
          (Group.HistoryAccess)
              GroupSnapshotIT.<Group.Reply>ask(group, r -> new Group.OpenHistory(ALI, 0, r));
    } finally {
      first.shutdownTestKit();
    }
    assertEquals(25, before.lastSequence(), "the creation, two additions, 22 posts");
    assertEquals(26, historyBefore.fromJournalSequence());

    List<Row> snapshots =
        cassandra
            .session()
            .execute(
                "SELECT sequence_nr, ser_id, ser_manifest"
                    + " FROM "
                    + cassandra.keyspace()
                    + ".snapshots WHERE persistence_id = '"
                    + PID
                    + "'")
            .all();
    assertEquals(
        List.of(20L, 10L),
        snapshots.stream().map(r -> r.getLong("sequence_nr")).toList(),
        "a snapshot every 10 events, newest first");
    assertEquals(StoredEventSerializer.IDENTIFIER, snapshots.get(0).getInt("ser_id"));
    assertEquals("group-snapshot", snapshots.get(0).getString("ser_manifest"));
    assertEquals(26, storedEvents(), "no event is deleted on snapshot: they are the history");
    // To show that the snapshot is what the group recovers from, the test itself removes the
    // events it covers (the broker never does): recovery must not need them.
    cassandra
        .session()
        .execute(
            "DELETE FROM "
                + cassandra.keyspace()
                + ".messages WHERE"
                + " persistence_id = '"
                + PID
                + "' AND partition_nr = 0 AND sequence_nr <= 20");
    assertEquals(6, storedEvents());

    ActorTestKit second = ActorTestKit.create("GroupSnapshotIT2", config());
    try {
      EntityRef<Group.Command> group = start(second);
      assertEquals(before, GroupSnapshotIT.<Group.Reply>ask(group, Group.Get::new));
      assertEquals(
          historyBefore,
          GroupSnapshotIT.<Group.Reply>ask(group, r -> new Group.OpenHistory(ALI, 0, r)));
      Group.Accepted again = (Group.Accepted) post(group, SARA, "m-21");
      assertTrue(again.duplicate());
      assertEquals(25, again.sequence());
      Group.Refused stale =
          (Group.Refused)
              GroupSnapshotIT.<Group.Reply>ask(group, r -> new Group.Acknowledge("bale", 99, r));
      assertEquals(Group.Reason.UNKNOWN_SEQUENCE, stale.reason());
      Group.Accepted next = (Group.Accepted) post(group, ALI, "m-22");
      assertFalse(next.duplicate());
      assertEquals(26, next.sequence());
    } finally {
      second.shutdownTestKit();
    }
    assertEquals(7, storedEvents(), "the six after the snapshot and the new post");
  }
}
