package io.peyvand.broker.config;

import com.typesafe.config.Config;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Reads a settings record from a block of configuration: each component from the key of its name in
 * kebab-case ({@code maxMembers} from {@code max-members}), so a record's components and
 * reference.conf's keys are one list, and no key can be read into the wrong component.
 *
 * <p>A component may be an {@code int}, {@code long}, {@code double}, {@code boolean}, {@code
 * String}, {@link Duration}, {@link Path}, {@code List<String>}, or another such record, read from
 * the block of its key. The record's canonical constructor runs, with its checks: a value it
 * refuses is an {@link IllegalArgumentException} from it; a missing key or a value of the wrong
 * type is Typesafe Config's {@link com.typesafe.config.ConfigException}, which names the key.
 */
public final class ConfigRecords {

  private static final Pattern CAPITAL = Pattern.compile("(?=\\p{Upper})");

  private ConfigRecords() {}

  /** {@code type} read from {@code config}, whose keys are the record's components. */
  public static <R extends Record> R read(Config config, Class<R> type) {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      values[i] = value(config, key(components[i].getName()), components[i]);
    }
    try {
      Constructor<R> canonical = type.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      return canonical.newInstance(values);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException refused) {
        throw refused;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(type + " cannot be built from configuration", e);
    }
  }

  /** The key of a component: {@code maxMembers} is {@code max-members}. */
  static String key(String component) {
    return String.join("-", CAPITAL.split(component)).toLowerCase(Locale.ROOT);
  }

  /** How each type a component may have is read from a key. */
  private static final Map<Class<?>, BiFunction<Config, String, Object>> READERS =
      Map.of(
          int.class, Config::getInt,
          long.class, Config::getLong,
          double.class, Config::getDouble,
          boolean.class, Config::getBoolean,
          String.class, Config::getString,
          Duration.class, Config::getDuration,
          Path.class, (config, key) -> Path.of(config.getString(key)));

  private static Object value(Config config, String key, RecordComponent component) {
    Class<?> type = component.getType();
    BiFunction<Config, String, Object> reader = READERS.get(type);
    if (reader != null) {
      return reader.apply(config, key);
    } else if (type == List.class && isListOfStrings(component.getGenericType())) {
      return config.getStringList(key);
    } else if (type.isRecord()) {
      return read(config.getConfig(key), type.asSubclass(Record.class));
    }
    throw new IllegalArgumentException(
        component.getDeclaringRecord().getName()
            + "."
            + component.getName()
            + ": a "
            + component.getGenericType()
            + " cannot be read from configuration");
  }

  private static boolean isListOfStrings(Type type) {
    return type instanceof ParameterizedType list
        && list.getActualTypeArguments()[0] == String.class;
  }
}
