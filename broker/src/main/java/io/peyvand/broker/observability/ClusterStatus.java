package io.peyvand.broker.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The cluster as this node sees it, for {@code GET /cluster} and {@code ./peyvand cluster status}:
 * its own address and status, the leader, every member with its status, roles and whether this node
 * can reach it, and the shards and entities this node hosts per entity type (from {@link
 * ShardingStats}, polled every few seconds). Read from the node's current cluster state on each
 * request: cheap, and never on a message's path. Two nodes may disagree (an unreachable member is
 * unreachable from where it is observed); comparing their answers is how an SRE locates a
 * partition.
 */
public final class ClusterStatus {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /**
   * One member: its address, status (Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed),
   * roles, whether this node can reach it, and its age order (lower is older; the oldest hosts the
   * shard coordinators).
   */
  public record MemberView(
      String address, String status, List<String> roles, boolean reachable, int upNumber) {}

  /** Shards and entities of one entity type hosted here. */
  public record Hosted(int shards, int entities) {}

  /**
   * The whole view. {@code leader} is empty ("") while there is none (no member Up, or the leader
   * is unreachable and not yet downed). {@code sharding} is empty until the entities start and the
   * first poll answered.
   */
  public record View(
      String self,
      String selfStatus,
      String leader,
      boolean leaderIsSelf,
      int upMembers,
      int unreachableMembers,
      List<MemberView> members,
      Map<String, Hosted> sharding) {}

  private final ActorSystem<?> system;
  private volatile ShardingStats sharding;

  public ClusterStatus(ActorSystem<?> system) {
    this.system = system;
  }

  /** The sharding figures to include, once the entities have started. */
  public void sharding(ShardingStats stats) {
    this.sharding = stats;
  }

  public View view() {
    Cluster cluster = Cluster.get(system);
    ClusterEvent.CurrentClusterState state = cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    List<MemberView> members = new ArrayList<>();
    for (Member member : state.getMembers()) {
      members.add(
          new MemberView(
              member.address().toString(),
              status(member),
              member.getRoles().stream().sorted().toList(),
              !unreachable.contains(member),
              member.upNumber()));
    }
    // A member can be unreachable and already removed from the members set: still show it.
    for (Member member : unreachable) {
      if (members.stream().noneMatch(m -> m.address().equals(member.address().toString()))) {
        members.add(
            new MemberView(
                member.address().toString(),
                status(member),
                member.getRoles().stream().sorted().toList(),
                false,
                member.upNumber()));
      }
    }
    members.sort(Comparator.comparing(MemberView::address));
    String leader = state.getLeader() == null ? "" : state.getLeader().toString();
    Member self = cluster.selfMember();
    ShardingStats stats = sharding;
    Map<String, Hosted> hosted =
        stats == null
            ? Map.of()
            : stats.hosted().entrySet().stream()
                .collect(
                    Collectors.toMap(
                        Map.Entry::getKey,
                        e -> new Hosted(e.getValue().shards(), e.getValue().entities()),
                        (a, b) -> a,
                        TreeMap::new));
    return new View(
        self.address().toString(),
        status(self),
        leader,
        leader.equals(self.address().toString()),
        (int) members.stream().filter(m -> m.status().equals("Up")).count(),
        (int) members.stream().filter(m -> !m.reachable()).count(),
        List.copyOf(members),
        hosted);
  }

  /** {@link #view()} as JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(view());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the cluster view", e);
    }
  }

  /** Pekko's status names (Up, WeaklyUp, ...) without the object suffix. */
  private static String status(Member member) {
    String name = member.status().toString();
    return name.endsWith("$") ? name.substring(0, name.length() - 1) : name;
  }
}
