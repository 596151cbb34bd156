package io.peyvand.broker.group;

import io.peyvand.broker.group.Membership.Change;
import io.peyvand.broker.group.Membership.Role;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A group or a channel with members on many platforms, one entity per group address
 * ({@code home:group-id}) in Cluster Sharding. It owns the membership ({@link Membership}) and the
 * group's log as its platforms receive it ({@link GroupFeed}): a post is accepted with the group's
 * sequence number once persisted, membership changes are items of the same log, and every item is
 * owed once to each platform of its audience until that platform acknowledges it.
 *
 * <p>Work in progress (issue 6): pushing owed items to the platforms' sessions, snapshots and the
 * wire are still to come (docs/GROUPS-DESIGN.md).
 */
public final class Group extends EventSourcedBehaviorWithEnforcedReplies<Group.Command,
    Group.Event, Group.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Group");

  /** A group's limits. */
  public record Settings(int maxMembers, int dedupEntries, Duration retention) {
    public static final Settings DEFAULTS = new Settings(200_000, 10_000, Duration.ofDays(30));
  }

  public enum Kind { GROUP, CHANNEL }

  public static Behavior<Command> create(Address address, Settings settings, Clock clock) {
    return new Group(address, settings, clock);
  }

  // Commands

  public sealed interface Command {}

  public record Create(Kind kind, String title, boolean open, Address owner,
      ActorRef<Reply> replyTo) implements Command {}

  public record ChangeMembers(Address actor, List<Change> changes, ActorRef<Reply> replyTo)
      implements Command {
    public ChangeMembers {
      changes = List.copyOf(changes);
    }
  }

  public record SetTitle(Address actor, String title, ActorRef<Reply> replyTo)
      implements Command {}

  public record Post(Message message, ActorRef<PostReply> replyTo) implements Command {}

  public record Acknowledge(String platformId, long upTo, ActorRef<Reply> replyTo)
      implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  // Replies

  public enum Reason { UNKNOWN_GROUP, NOT_PERMITTED, UNKNOWN_SEQUENCE, ALREADY_EXISTS }

  public sealed interface Reply {}

  public sealed interface PostReply {}

  /** The group as it is now. */
  public record Info(Address address, Kind kind, String title, boolean open, Address owner,
      Map<String, Long> membersPerPlatform, long lastSequence, long createdAtMs)
      implements Reply {}

  public record Accepted(long sequence, long acceptedAtMs, boolean duplicate)
      implements PostReply {}

  public record Refused(Reason reason, String message) implements Reply, PostReply {}

  // Events

  public sealed interface Event {}

  public record GroupCreated(Kind kind, String title, boolean open, Address owner, long atMs)
      implements Event {}

  public record MembersChanged(Address actor, List<Change> changes, long atMs) implements Event {
    public MembersChanged {
      changes = List.copyOf(changes);
    }
  }

  public record TitleChanged(Address actor, String title, long atMs) implements Event {}

  public record PostAccepted(Message message, long atMs) implements Event {}

  public record PlatformAcknowledged(String platformId, long upTo) implements Event {}

  // Items of the log, as platforms receive them

  public sealed interface Item {}

  public record PostItem(Message message) implements Item {}

  public record ChangeItem(Address actor, Change change) implements Item {}

  public record TitleItem(Address actor, String title) implements Item {}

  // State

  /** Empty until created. Mutable, owned by the entity alone. */
  public static final class State {
    private Kind kind;
    private String title;
    private boolean open;
    private Address owner;
    private long createdAtMs;
    private final Membership members;
    private final GroupFeed<Item> feed = new GroupFeed<>();
    private final LinkedHashMap<String, Long> accepted;

    State(Settings settings) {
      this.members = new Membership(settings.maxMembers());
      this.accepted = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > settings.dedupEntries();
        }
      };
    }

    public boolean exists() {
      return kind != null;
    }

    public Membership members() {
      return members;
    }

    public GroupFeed<Item> feed() {
      return feed;
    }

    State apply(Event event) {
      if (event instanceof GroupCreated created) {
        kind = created.kind();
        title = created.title();
        open = created.open();
        owner = created.owner();
        createdAtMs = created.atMs();
        Change founding = new Membership.Added(created.owner(), Role.OWNER);
        members.apply(founding, feed.lastSequence() + 1);
        feed.append(created.atMs(), new ChangeItem(created.owner(), founding),
            audience(founding));
      } else if (event instanceof MembersChanged changed) {
        for (Change change : changed.changes()) {
          members.apply(change, feed.lastSequence() + 1);
          feed.append(changed.atMs(), new ChangeItem(changed.actor(), change), audience(change));
        }
      } else if (event instanceof TitleChanged renamed) {
        title = renamed.title();
        feed.append(renamed.atMs(), new TitleItem(renamed.actor(), renamed.title()),
            members.perPlatform().keySet());
      } else if (event instanceof PostAccepted post) {
        long sequence = feed.append(post.atMs(), new PostItem(post.message()),
            members.perPlatform().keySet());
        accepted.put(key(post.message()), sequence);
      } else if (event instanceof PlatformAcknowledged ack) {
        feed.acknowledge(ack.platformId(), ack.upTo());
      }
      return this;
    }

    /** The platforms with members after the change, and the changed member's platform. */
    private Set<String> audience(Change change) {
      Set<String> audience = new HashSet<>(members.perPlatform().keySet());
      audience.add(change.user().platformId());
      return audience;
    }

    Info info(Address address) {
      return new Info(address, kind, title, open, owner, Map.copyOf(members.perPlatform()),
          feed.lastSequence(), createdAtMs);
    }

    private static String key(Message message) {
      return message.sender() + "/" + message.messageId();
    }
  }

  private final Address address;
  private final Settings settings;
  private final Clock clock;

  private Group(Address address, Settings settings, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), address.toString()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.address = address;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(settings);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Create.class, this::onCreate)
        .onCommand(ChangeMembers.class, this::onChangeMembers)
        .onCommand(SetTitle.class, this::onSetTitle)
        .onCommand(Post.class, this::onPost)
        .onCommand(Acknowledge.class, this::onAcknowledge)
        .onCommand(Get.class, (state, get) -> state.exists()
            ? Effect().reply(get.replyTo(), state.info(address))
            : Effect().reply(get.replyTo(), unknown()))
        .build();
  }

  private ReplyEffect<Event, State> onCreate(State state, Create create) {
    if (state.exists()) {
      boolean same = state.kind == create.kind() && state.owner.equals(create.owner());
      return Effect().reply(create.replyTo(), same ? state.info(address)
          : new Refused(Reason.ALREADY_EXISTS, "group " + address + " exists, created by "
              + state.owner));
    }
    if (!create.owner().platformId().equals(address.platformId())) {
      return Effect().reply(create.replyTo(), new Refused(Reason.NOT_PERMITTED, "a group is"
          + " created by a user of its home platform " + address.platformId()));
    }
    return Effect().persist(new GroupCreated(create.kind(), create.title(), create.open(),
            create.owner(), clock.millis()))
        .thenReply(create.replyTo(), s -> s.info(address));
  }

  private ReplyEffect<Event, State> onChangeMembers(State state, ChangeMembers command) {
    if (!state.exists()) {
      return Effect().reply(command.replyTo(), unknown());
    }
    // Checked in order against the membership as the earlier changes leave it; none applies
    // unless all are allowed.
    Membership.Trial trial = state.members().trial();
    List<Change> effective = new ArrayList<>();
    for (Change change : command.changes()) {
      Optional<String> refused = trial.check(command.actor(), change, state.open);
      if (refused.isPresent()) {
        return Effect().reply(command.replyTo(), new Refused(Reason.NOT_PERMITTED,
            refused.get()));
      }
      if (trial.apply(change)) {
        effective.add(change);
      }
    }
    if (effective.isEmpty()) {
      return Effect().reply(command.replyTo(), state.info(address));
    }
    return Effect().persist(new MembersChanged(command.actor(), effective, clock.millis()))
        .thenReply(command.replyTo(), s -> s.info(address));
  }

  private ReplyEffect<Event, State> onSetTitle(State state, SetTitle command) {
    if (!state.exists()) {
      return Effect().reply(command.replyTo(), unknown());
    }
    Optional<Membership.Member> actor = state.members().member(command.actor());
    if (actor.isEmpty() || actor.get().role() == Role.MEMBER) {
      return Effect().reply(command.replyTo(), new Refused(Reason.NOT_PERMITTED,
          command.actor() + " may not rename the group (needs admin)"));
    }
    if (command.title().equals(state.title)) {
      return Effect().reply(command.replyTo(), state.info(address));
    }
    return Effect().persist(new TitleChanged(command.actor(), command.title(), clock.millis()))
        .thenReply(command.replyTo(), s -> s.info(address));
  }

  private ReplyEffect<Event, State> onPost(State state, Post post) {
    if (!state.exists()) {
      return Effect().reply(post.replyTo(), unknown());
    }
    Long earlier = state.accepted.get(State.key(post.message()));
    if (earlier != null) {
      return Effect().reply(post.replyTo(), new Accepted(earlier, 0, true));
    }
    Optional<String> refused = state.members().mayPost(post.message().sender(),
        state.kind == Kind.CHANNEL);
    if (refused.isPresent()) {
      return Effect().reply(post.replyTo(), new Refused(Reason.NOT_PERMITTED, refused.get()));
    }
    long at = clock.millis();
    return Effect().persist(new PostAccepted(post.message(), at))
        .thenReply(post.replyTo(), s -> new Accepted(s.feed().lastSequence(), at, false));
  }

  private ReplyEffect<Event, State> onAcknowledge(State state, Acknowledge ack) {
    if (!state.exists()) {
      return Effect().reply(ack.replyTo(), unknown());
    }
    if (!state.feed().mayAcknowledge(ack.upTo())) {
      return Effect().reply(ack.replyTo(), new Refused(Reason.UNKNOWN_SEQUENCE, "group "
          + address + " has no sequence " + ack.upTo() + " (latest "
          + state.feed().lastSequence() + ")"));
    }
    if (ack.upTo() <= state.feed().acknowledgedUpTo(ack.platformId())) {
      return Effect().reply(ack.replyTo(), state.info(address));
    }
    return Effect().persist(new PlatformAcknowledged(ack.platformId(), ack.upTo()))
        .thenReply(ack.replyTo(), s -> s.info(address));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (state, event) -> state.apply(event);
  }

  private Refused unknown() {
    return new Refused(Reason.UNKNOWN_GROUP, "group " + address + " does not exist");
  }
}
