package io.peyvand.protocol.sdk;

import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.DirectoryClient;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.LookupRequest;
import io.peyvand.protocol.v1.LookupResult;
import io.peyvand.protocol.v1.PublishRequest;
import io.peyvand.protocol.v1.PublishResult;
import io.peyvand.protocol.v1.UserAddress;
import io.peyvand.protocol.v1.WithdrawRequest;
import io.peyvand.protocol.v1.WithdrawResult;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The directory calls of {@link PeyvandClient} (directory.proto): each request is checked first
 * (the acting user's address valid and of this client's platform; a publish names a number; a
 * lookup has at most {@link PeyvandClient#MAX_LOOKUP_NUMBERS} numbers), then sent with the
 * Directory stub through {@link UnaryCalls}. The numbers themselves are read by the broker, which
 * knows their forms.
 *
 * <p>Every call is safe to repeat after UNAVAILABLE: publishing and withdrawing set a state (a
 * repeated withdraw answers 0), and a number looked up again within 30 days costs no allowance.
 */
final class DirectoryCalls {
  private final UnaryCalls<DirectoryClient> calls;

  DirectoryCalls(UnaryCalls<DirectoryClient> calls) {
    this.calls = calls;
  }

  CompletionStage<PublishResult> publish(PublishRequest request) {
    Optional<Error> problem =
        actingAnd(
            request.getUser(),
            "user",
            request.getPhoneNumber().isBlank(),
            "phone_number is empty: set the number to publish");
    return calls.call(problem, c -> c.publish().invokeWithMetadata(request));
  }

  CompletionStage<WithdrawResult> withdraw(WithdrawRequest request) {
    return calls.call(
        calls.acting(request.getUser(), "user"), c -> c.withdraw().invokeWithMetadata(request));
  }

  CompletionStage<LookupResult> lookup(LookupRequest request) {
    Optional<Error> problem =
        actingAnd(
            request.getAsker(),
            "asker",
            request.getPhoneNumbersCount() > PeyvandClient.MAX_LOOKUP_NUMBERS,
            "phone_numbers has "
                + request.getPhoneNumbersCount()
                + " numbers; a lookup takes at most "
                + PeyvandClient.MAX_LOOKUP_NUMBERS
                + ": split the contact book into several calls");
    return calls.call(problem, c -> c.lookup().invokeWithMetadata(request));
  }

  /**
   * The problem of the acting user ({@link UnaryCalls#acting}), else INVALID_ARGUMENT saying {@code
   * message} if {@code invalid}, else nothing.
   */
  private Optional<Error> actingAnd(
      UserAddress user, String field, boolean invalid, String message) {
    return calls
        .acting(user, field)
        .or(
            () ->
                invalid
                    ? Optional.of(ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, message))
                    : Optional.empty());
  }
}
