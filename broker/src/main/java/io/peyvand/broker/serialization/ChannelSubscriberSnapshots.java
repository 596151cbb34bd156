package io.peyvand.broker.serialization;

import io.peyvand.broker.group.ChannelSubscribers;
import io.peyvand.persistence.stored.v1.ChannelSubscribersSnapshot;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * A subscription bucket's state to and from its stored snapshot ({@code
 * ChannelSubscribersSnapshot}): its sequence and every user id. Converted in the entity's thread
 * when the snapshot is taken, so the mutable set is never read from another thread.
 */
public final class ChannelSubscriberSnapshots implements SnapshotAdapter<ChannelSubscribers.State> {

  @Override
  public Object toJournal(ChannelSubscribers.State state) {
    return ChannelSubscribersSnapshot.newBuilder()
        .setSequence(state.sequence())
        .addAllUserIds(state.users())
        .build();
  }

  @Override
  public ChannelSubscribers.State fromJournal(Object from) {
    ChannelSubscribersSnapshot stored = (ChannelSubscribersSnapshot) from;
    return ChannelSubscribers.State.restore(stored.getSequence(), stored.getUserIdsList());
  }
}
