package io.peyvand.broker.entity;

import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/** Pekko extensions: one instance per actor system, made on first use. */
public final class Extensions {

  private Extensions() {}

  /** The id of an extension that {@code create} makes for a system. */
  public static <T extends Extension> ExtensionId<T> id(Function<ActorSystem<?>, T> create) {
    return new ExtensionId<>() {
      @Override
      public T createExtension(ActorSystem<?> system) {
        return create.apply(system);
      }
    };
  }
}
