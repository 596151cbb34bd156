package io.peyvand.broker.group;

import io.peyvand.broker.ActingGroups;
import io.peyvand.broker.TestBroker;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.GroupAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A broker node for the groups' integration tests, with a Groups client on it and the raw platform
 * adapters a test opens ({@link #adapter}), closed after each test. Register it on an instance
 * field of a {@code PER_CLASS} test class, after the class's {@link CassandraKeyspace}:
 *
 * <pre>
 *   &#64;RegisterExtension final GroupsNode broker = new GroupsNode(cassandra, "GroupsIT", config);
 * </pre>
 */
final class GroupsNode implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private final CassandraKeyspace cassandra;
  private final String name;
  private final String config;
  private final List<GroupAdapter> adapters = new ArrayList<>();
  private TestBroker node;
  private ActingGroups groups;

  /** A node named {@code name} with {@code config} (TestBroker's), on {@code cassandra}. */
  GroupsNode(CassandraKeyspace cassandra, String name, String config) {
    this.cassandra = cassandra;
    this.name = name;
    this.config = config;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    node = TestBroker.start(name, cassandra, config);
    groups = node.groups();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    adapters.forEach(GroupAdapter::close);
    adapters.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    groups.close();
    node.close();
  }

  TestBroker node() {
    return node;
  }

  ActorSystem<Void> system() {
    return node.system();
  }

  /** The node's Groups service, each call as the platform of the user it acts for. */
  ActingGroups groups() {
    return groups;
  }

  /** A raw session of {@code platform} that acknowledges what it gets; closed after the test. */
  GroupAdapter adapter(String platform) {
    GroupAdapter adapter = new GroupAdapter(node, platform);
    adapters.add(adapter);
    return adapter;
  }

  /** A raw session of each of {@code platforms}, by platform; closed after the test. */
  Map<String, GroupAdapter> adapters(List<String> platforms) {
    return platforms.stream().collect(Collectors.toMap(p -> p, this::adapter));
  }

  /** The address of the group or channel {@code id} on eitaa, where the tests' groups live. */
  static GroupAddress group(String id) {
    return GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId(id).build();
  }

  /** Closes {@code adapter} now (its platform goes offline), before the test ends. */
  void close(GroupAdapter adapter) {
    adapter.close();
    adapters.remove(adapter);
  }
}
