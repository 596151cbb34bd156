package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.NumberMatch;
import io.peyvand.protocol.v1.PublishResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code directory}: finding contacts by phone number (the Directory service) by hand, acting for
 * one user of the calling platform ({@code --as PLATFORM:USER}, whose platform's certificate is
 * used), one line per answer: {@code published bale:ali +989123456789}, {@code withdrawn 1}, and
 * for a lookup one line per number, {@code 0912 345 6789 -> eitaa:sara, rubika:reza}, {@code ... ->
 * (none)} or {@code ... -> invalid: <why>}.
 */
@Command(
    name = "directory",
    mixinStandardHelpOptions = true,
    description = "Find contacts by phone number: publish, unpublish, lookup.",
    subcommands = {
      DirectoryCommand.Publish.class,
      DirectoryCommand.Unpublish.class,
      DirectoryCommand.Lookup.class
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:done",
      "1:refused by the broker (RATE_LIMITED also prints: retry after N ms)",
      "2:not sent (a usage error, or a request the protocol refuses) or the broker could not"
          + " be reached"
    })
final class DirectoryCommand {

  /** A Directory call acting for one user: {@code --as}, whose platform calls. */
  abstract static class Acting extends ActingCall {
    Acting() {
      super("Directory", "the directory");
    }
  }

  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description = {
        "Make the --as user discoverable by a phone number; prints the number as the broker"
            + " read it (E.164). The user must accept cross-platform messages.",
        "e.g. ./peyvand directory publish --as bale:ali --number \"0912 345 6789\""
      })
  static final class Publish extends Acting {
    @Option(
        names = "--number",
        required = true,
        paramLabel = "NUMBER",
        description =
            "E.164 (+98912...) or an Iranian national form (0912..., 912...);"
                + " spaces, dashes and Persian digits are read.")
    String number;

    @Option(
        names = "--preferred",
        description =
            "This platform is the user's preferred one for the number: listed first when"
                + " several platforms publish it.")
    boolean preferred;

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      PublishResult published = await(client.publish(actor(), number, preferred));
      out.println("published " + UserAddresses.format(actor()) + " " + published.getPhoneNumber());
    }
  }

  @Command(
      name = "unpublish",
      mixinStandardHelpOptions = true,
      description = {
        "Withdraw a number of the --as user, or without --number all of them; prints how many"
            + " entries were withdrawn.",
        "e.g. ./peyvand directory unpublish --as bale:ali"
      })
  static final class Unpublish extends Acting {
    @Option(
        names = "--number",
        paramLabel = "NUMBER",
        description = "The number to withdraw (default: every number of the user).")
    String number;

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      out.println(
          "withdrawn "
              + await(client.withdraw(actor(), number == null ? "" : number)).getWithdrawn());
    }
  }

  @Command(
      name = "lookup",
      mixinStandardHelpOptions = true,
      description = {
        "For the --as user, the users of other platforms discoverable by each number, one line"
            + " per number: NUMBER -> PLATFORM:USER, ... | (none) | invalid: <why>. Sent in calls"
            + " of at most 1000 numbers.",
        "e.g. ./peyvand directory lookup --as eitaa:sara 09123456789 +989121112233"
      })
  static final class Lookup extends Acting {
    @Parameters(
        arity = "0..*",
        paramLabel = "NUMBER",
        description = "Numbers to look up, in any form publish accepts.")
    List<String> numbers = new ArrayList<>();

    @Option(
        names = "--file",
        paramLabel = "PATH",
        description = "Also the numbers of this file, one per line (blank lines skipped).")
    Path file;

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      List<String> all = numbers();
      for (int from = 0; from < all.size(); from += PeyvandClient.MAX_LOOKUP_NUMBERS) {
        List<String> batch =
            all.subList(from, Math.min(all.size(), from + PeyvandClient.MAX_LOOKUP_NUMBERS));
        for (NumberMatch match : await(client.lookup(actor(), batch)).getMatchesList()) {
          out.println(line(match));
        }
        out.flush();
      }
    }

    /** The numbers given and those of --file, in that order; at least one, or a usage error. */
    private List<String> numbers() {
      List<String> all = new ArrayList<>(numbers);
      if (file != null) {
        try {
          Files.readAllLines(file).stream()
              .map(String::strip)
              .filter(l -> !l.isEmpty())
              .forEach(all::add);
        } catch (IOException e) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--file: cannot read " + file + ": " + e);
        }
      }
      if (all.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "no numbers: give them as parameters or with --file");
      }
      return all;
    }
  }

  /** {@code NUMBER -> a:x, b:y}, {@code NUMBER -> (none)} or {@code NUMBER -> invalid: why}. */
  static String line(NumberMatch match) {
    String found;
    if (!match.getInvalid().isEmpty()) {
      found = "invalid: " + match.getInvalid();
    } else if (match.getUsersCount() == 0) {
      found = "(none)";
    } else {
      found =
          match.getUsersList().stream()
              .map(UserAddresses::format)
              .collect(Collectors.joining(", "));
    }
    return match.getPhoneNumber() + " -> " + found;
  }
}
