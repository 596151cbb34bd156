package io.peyvand.protocol.sdk.cli;

import picocli.CommandLine.Command;

/**
 * What {@code group} and {@code channel}, the commands of the Groups service, share: the help
 * options and the exit statuses of their subcommands ({@link UnaryCall}'s). picocli takes the
 * attributes a command's own annotation leaves out from its superclass's.
 */
@Command(
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:done",
      "1:refused by the broker",
      "2:not sent (a usage error, or a request the protocol refuses) or the broker could not"
          + " be reached"
    })
abstract class GroupsCommand {}
