package io.peyvand.broker.serialization;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.peyvand.broker.entity.ClusterMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The types of the broker that may cross nodes, found by reading its compiled classes (no list to
 * forget): {@code messages}, sent as themselves (every concrete class bound in {@code
 * pekko.actor.serialization-bindings} to a serializer other than the stored events', and every type
 * named as {@code ActorRef<T>} in one that is not itself bound, a reply Pekko serializes such as
 * {@code Done}); and {@code carried}, every implementation of an interface of the broker that one
 * of them carries in a field, however deep (each kind of Content, StreamItem, GroupItem...). Used
 * by {@link ClusterMessageSamplesTest}.
 */
record CrossNodeTypes(Set<Class<?>> messages, Set<Class<?>> carried) {
  private static final String STORED_EVENTS = "peyvand-stored-events";

  /** The cross-node types of the broker under {@code config}'s serialization bindings. */
  static CrossNodeTypes find(Config config) {
    List<Class<?>> classes = brokerClasses();
    List<Class<?>> bound = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> binding :
        config.getObject("pekko.actor.serialization-bindings").entrySet()) {
      if (binding.getKey().startsWith("io.peyvand.")
          && !STORED_EVENTS.equals(binding.getValue().unwrapped())) {
        bound.add(load(binding.getKey()));
      }
    }
    if (!bound.contains(ClusterMessage.class)) {
      throw new IllegalStateException("ClusterMessage is not bound: " + bound);
    }
    Set<Class<?>> messages = new TreeSet<>((a, b) -> a.getName().compareTo(b.getName()));
    Set<Class<?>> carried = new TreeSet<>((a, b) -> a.getName().compareTo(b.getName()));
    for (Class<?> type : classes) {
      if (concrete(type) && bound.stream().anyMatch(b -> b.isAssignableFrom(type))) {
        messages.add(type);
      }
    }
    Set<Type> seen = new HashSet<>();
    for (Class<?> message : List.copyOf(messages)) {
      fieldTypes(message, classes, bound, seen, messages, carried);
    }
    carried.removeAll(messages);
    return new CrossNodeTypes(messages, carried);
  }

  /**
   * Walks the declared types of {@code type}'s components: an {@code ActorRef<T>} names a reply
   * type, an interface of the broker's stands for each of its implementations.
   */
  private static void fieldTypes(
      Type type,
      List<Class<?>> classes,
      List<Class<?>> bound,
      Set<Type> seen,
      Set<Class<?>> messages,
      Set<Class<?>> carried) {
    if (!seen.add(type)) {
      return;
    }
    if (type instanceof ParameterizedType parameterized) {
      Type[] arguments = parameterized.getActualTypeArguments();
      if (parameterized.getRawType() == ActorRef.class) {
        if (arguments[0] instanceof Class<?> reply
            && bound.stream().noneMatch(b -> b.isAssignableFrom(reply))) {
          messages.add(reply);
        }
        return;
      }
      for (Type argument : arguments) {
        fieldTypes(argument, classes, bound, seen, messages, carried);
      }
      return;
    }
    if (!(type instanceof Class<?> c) || !c.getName().startsWith("io.peyvand.")) {
      return;
    }
    if (!concrete(c)) {
      for (Class<?> implementation : classes) {
        if (concrete(implementation) && c.isAssignableFrom(implementation)) {
          carried.add(implementation);
          fieldTypes(implementation, classes, bound, seen, messages, carried);
        }
      }
    } else if (c.isRecord()) {
      for (RecordComponent component : c.getRecordComponents()) {
        fieldTypes(component.getGenericType(), classes, bound, seen, messages, carried);
      }
    }
  }

  private static boolean concrete(Class<?> type) {
    return !type.isInterface()
        && !Modifier.isAbstract(type.getModifiers())
        && !type.isAnonymousClass()
        && !type.isSynthetic();
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, CrossNodeTypes.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every class of the broker's main code (where ClusterMessage was loaded from). */
  private static List<Class<?>> brokerClasses() {
    try {
      Path root =
          Path.of(ClusterMessage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(root)) {
        return classesUnder(root);
      }
      try (FileSystem jar = FileSystems.newFileSystem(root)) {
        return classesUnder(jar.getPath("/"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Class<?>> classesUnder(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve("io/peyvand/broker"))) {
      return files
          .map(file -> root.relativize(file).toString())
          .filter(file -> file.endsWith(".class") && !file.contains("-info"))
          .map(file -> file.substring(0, file.length() - ".class".length()).replace('/', '.'))
          .map(CrossNodeTypes::load)
          .toList();
    }
  }

  /**
   * The names other nodes address this node's actors by: each sharded entity type's ({@code "entity
   * UserMailbox"}), each Receptionist key's for platform "bale" (from a static method taking the
   * platform), each replicated data key's ({@code "ddata ..."}).
   */
  static Set<String> addressedNames() {
    Set<String> found = new TreeSet<>();
    for (Class<?> type : brokerClasses()) {
      Field[] fields;
      Method[] methods;
      try {
        fields = type.getDeclaredFields();
        methods = type.getDeclaredMethods();
      } catch (LinkageError e) {
        continue; // a class that cannot be linked holds no key in use
      }
      try {
        for (Field field : fields) {
          boolean entity = EntityTypeKey.class.isAssignableFrom(field.getType());
          if (Modifier.isStatic(field.getModifiers()) && (entity || field.getType() == Key.class)) {
            field.setAccessible(true);
            Object key = field.get(null);
            found.add(
                entity
                    ? "entity " + ((EntityTypeKey<?>) key).name()
                    : "ddata " + ((Key<?>) key).id());
          }
        }
        for (Method method : methods) {
          if (Modifier.isStatic(method.getModifiers())
              && method.getReturnType() == ServiceKey.class
              && Arrays.equals(method.getParameterTypes(), new Class<?>[] {String.class})) {
            method.setAccessible(true);
            found.add("receptionist " + ((ServiceKey<?>) method.invoke(null, "bale")).id());
          }
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return found;
  }
}
