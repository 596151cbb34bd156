package io.peyvand.protocol.sdk.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The base of the {@code group} and {@code channel} subcommands that call the Groups service. */
abstract class GroupCall extends UnaryCall {
  static final String SERVICE = "Groups";

  /** What a broker without the Groups service lacks. */
  static final String FEATURE = "groups and channels";

  GroupCall() {
    super(SERVICE, FEATURE);
  }

  /**
   * The subcommand {@code name} made of {@code command}, with the usage line {@code description}:
   * for the subcommands of group and channel that are one class made with another value (create's
   * kind, a member change's op, join or leave) rather than a class each, as picocli's annotations
   * would have them.
   */
  static CommandLine named(String name, String description, UnaryCall command) {
    CommandSpec spec = CommandSpec.forAnnotatedObject(command).name(name);
    spec.mixinStandardHelpOptions(true).usageMessage().description(description);
    return new CommandLine(spec);
  }

  /**
   * {@code parent} with {@code first} (made by {@link #named}) before the subcommands its
   * annotation lists, for a model transformer: the usage lists them in that order.
   */
  static CommandSpec withFirst(CommandSpec parent, List<CommandLine> first) {
    Map<String, CommandLine> annotated = new LinkedHashMap<>(parent.subcommands());
    annotated.keySet().forEach(parent::removeSubcommand);
    first.forEach(subcommand -> parent.addSubcommand(subcommand.getCommandName(), subcommand));
    annotated.forEach(parent::addSubcommand);
    return parent;
  }
}
