package io.peyvand.protocol.sdk.cli;

/** The base of the {@code group} and {@code channel} subcommands that call the Groups service. */
abstract class GroupCall extends UnaryCall {
  static final String SERVICE = "Groups";

  /** What a broker without the Groups service lacks. */
  static final String FEATURE = "groups and channels";

  GroupCall() {
    super(SERVICE, FEATURE);
  }
}
