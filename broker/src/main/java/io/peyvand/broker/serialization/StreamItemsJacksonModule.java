package io.peyvand.broker.serialization;

import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.peyvand.broker.group.Group;

/**
 * Names the kinds of {@link io.peyvand.broker.model.StreamItem} that live above the model (a
 * group's pushed item, {@code "group"}) for Pekko's Jackson serializer, so that the model and
 * delivery packages need not import the group entity. Registered in reference.conf ({@code
 * pekko.serialization.jackson.jackson-modules}); the names are the wire format between nodes and
 * never change.
 */
public final class StreamItemsJacksonModule extends SimpleModule {

  public StreamItemsJacksonModule() {
    super("peyvand-stream-items");
    registerSubtypes(new NamedType(Group.Push.class, "group"));
  }
}
