package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.v1.UserAddress;
import picocli.CommandLine.Option;

/**
 * A unary call acting for one user of the calling platform ({@code --as PLATFORM:USER}): that
 * user's platform calls, with its certificate.
 */
abstract class ActingCall extends UnaryCall {
  @Option(
      names = "--as",
      required = true,
      paramLabel = "PLATFORM:USER",
      description = "The user the call acts for, e.g. eitaa:alice; their platform calls.")
  String as;

  ActingCall(String service, String feature) {
    super(service, feature);
  }

  @Override
  String platform() {
    return actor().getPlatformId();
  }

  UserAddress actor() {
    return user(as, "--as");
  }
}
