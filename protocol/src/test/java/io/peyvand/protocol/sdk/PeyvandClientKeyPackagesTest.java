package io.peyvand.protocol.sdk;

import static io.peyvand.protocol.sdk.Waits.assertRefusedBeforeSending;
import static io.peyvand.protocol.sdk.Waits.await;
import static io.peyvand.protocol.sdk.Waits.connected;
import static io.peyvand.protocol.sdk.Waits.eventually;
import static io.peyvand.protocol.sdk.Waits.refusalOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.transparency.KeyLogs;
import io.peyvand.protocol.v1.AuditRecord;
import io.peyvand.protocol.v1.ClaimKeyPackagesRequest;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.ClaimedKeyPackage;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetKeyLogEntriesRequest;
import io.peyvand.protocol.v1.GetKeyLogHeadRequest;
import io.peyvand.protocol.v1.KeyPackageResult;
import io.peyvand.protocol.v1.ListKeyPackagesRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesResult;
import io.peyvand.protocol.v1.RemoveKeyPackagesRequest;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.UserAddress;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client's key-package calls against a real pekko-grpc server on loopback with scripted broker
 * behaviour: sent as their requests and answered (a claim with proofs that verify), checked before
 * sending, the broker's refusals mapped back to error codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeyvandClientKeyPackagesTest {
  private static final UserAddress BOB = UserAddresses.parse("bale:bob");
  private static final UserAddress ALICE = UserAddresses.parse("eitaa:alice");

  @RegisterExtension
  final ScriptedBroker broker = ScriptedBroker.perClass("client-key-packages-test");

  private PeyvandClient client() {
    return broker.client("client-key-packages-test", delivery -> null).build();
  }

  @Test
  void aKeyPackageResultOnTheSessionIsIgnoredAndTheSessionGoesOn() throws Exception {
    List<Delivery> handled = new CopyOnWriteArrayList<>();
    try (PeyvandClient client =
        connected(broker.client("client-key-packages-test", DeliveryHandler.of(handled::add)))) {
      broker.push(
          KeyPackageResult.newBuilder()
              .setCorrelationId(7)
              .setRefused(Error.newBuilder().setCode(ErrorCode.INVALID_FRAME))
              .build());
      broker.push(ScriptedBroker.message(BOB, 1, false, "after the keys_result"));
      eventually("the delivery after it acknowledged", () -> broker.acksOf(BOB).contains(1L));
      assertEquals(1, handled.size());
      assertEquals(1, broker.hellos.size(), "the same session");
    }
  }

  @Test
  void publishListAndRemoveReachTheBrokerAsTheirRequests() throws Exception {
    List<ByteString> keyPackages = KeyPackageSamples.KEY_PACKAGES;
    ByteString reference = ByteString.copyFromUtf8("ref");
    try (PeyvandClient client = client()) {
      PublishKeyPackagesResult published = await(client.keyPackages().publish(BOB, keyPackages));
      assertEquals(2, published.getOutcomesCount());
      assertTrue(published.getOutcomes(1).hasStored());
      assertEquals(0, await(client.keyPackages().list(BOB)).getKeyPackagesCount());
      assertEquals(1, await(client.keyPackages().remove(BOB, List.of(reference))).getRemoved());
      await(client.keyPackages().removeAll(BOB));
      assertEquals(
          List.of(
              PublishKeyPackagesRequest.newBuilder()
                  .setUser(BOB)
                  .addAllKeyPackages(keyPackages)
                  .build(),
              ListKeyPackagesRequest.newBuilder().setUser(BOB).build(),
              RemoveKeyPackagesRequest.newBuilder().setUser(BOB).addReferences(reference).build(),
              RemoveKeyPackagesRequest.newBuilder().setUser(BOB).build()),
          broker.keyPackageCalls);
      assertEquals(0, broker.hellos.size(), "a unary call needs no session");
    }
  }

  @Test
  void aPlatformFollowsItsKeyLogThroughTheBrokerAndSeesItsUsersPublications() throws Exception {
    try (PeyvandClient client = client()) {
      KeyLogMonitor monitor = new KeyLogMonitor("bale", Optional.of(KeyPackageSamples.ca()));
      KeyLogMonitor.Advance advance = await(client.keyPackages().follow(monitor));
      assertEquals(List.of(), advance.problems());
      assertEquals(KeyPackageSamples.TREE_SIZE, monitor.size());
      assertEquals(
          List.of(1L, 3L),
          advance.entries().stream()
              .filter(e -> e.getAction().equals(KeyLogs.PUBLISHED))
              .map(AuditRecord::getIndex)
              .toList());
      assertEquals(
          List.of(
              GetKeyLogHeadRequest.newBuilder().setPlatformId("bale").build(),
              GetKeyLogEntriesRequest.newBuilder()
                  .setPlatformId("bale")
                  .setStart(0)
                  .setCount((int) KeyPackageSamples.TREE_SIZE)
                  .build()),
          broker.keyPackageCalls);

      // Following again reads only the head: nothing new.
      broker.keyPackageCalls.clear();
      assertEquals(List.of(), await(client.keyPackages().follow(monitor)).entries());
      assertEquals(
          List.of(GetKeyLogHeadRequest.newBuilder().setPlatformId("bale").build()),
          broker.keyPackageCalls);

      assertEquals(
          3, await(client.keyPackages().proveLogConsistency("eitaa", 2, 0)).getSecondSize() - 2);

      CallRefusedException another =
          refusalOf(client.keyPackages().follow(new KeyLogMonitor("eitaa", Optional.empty())));
      assertEquals(ErrorCode.NOT_PERMITTED, another.error().getCode());
      CallRefusedException tooMany = refusalOf(client.keyPackages().logEntries(0, 1_001));
      assertEquals(ErrorCode.INVALID_ARGUMENT, tooMany.error().getCode());
    }
  }

  @Test
  void aClaimIsSentWithItsSuitesAndWhatItHandsOutVerifies() throws Exception {
    try (PeyvandClient client = client()) {
      UserAddress claimer = UserAddresses.parse("bale:ali");
      UserAddress target = UserAddresses.parse("eitaa:sara");
      ClaimKeyPackagesResult claimed =
          await(client.keyPackages().claim(claimer, target, Set.of(3, 1)));
      assertEquals(
          List.of(
              ClaimKeyPackagesRequest.newBuilder()
                  .setClaimer(claimer)
                  .setTarget(target)
                  .addCipherSuites(1)
                  .addCipherSuites(3)
                  .build()),
          broker.keyPackageCalls);
      // The scripted broker answers the samples, bale:bob's, whoever is claimed: they verify as
      // bob's, and as what was asked for they are a substitution.
      for (ClaimedKeyPackage one : claimed.getKeyPackagesList()) {
        SignedTreeHead head = KeyPackageProofs.head(claimed);
        assertEquals(
            List.of(),
            KeyPackageProofs.verify(
                one, head, KeyPackageSamples.TARGET, Optional.of(KeyPackageSamples.ca())));
        List<String> asAsked =
            KeyPackageProofs.verify(one, head, target, Optional.of(KeyPackageSamples.ca()));
        assertEquals(2, asAsked.size(), asAsked.toString());
        assertTrue(asAsked.get(0).contains("not \"peyvand-keys:eitaa\""), asAsked.get(0));
        assertTrue(asAsked.get(1).contains("names bale:bob, not eitaa:sara"), asAsked.get(1));
      }
    }
  }

  @Test
  void aRefusalCarriesItsCode() throws Exception {
    broker.onKeyPackageCall =
        ScriptedBroker.refusing(ErrorCode.CAPABILITY_NOT_SUPPORTED, "bale does not list mls", 0);
    try (PeyvandClient client = client()) {
      CallRefusedException refused = refusalOf(client.keyPackages().list(BOB));
      assertFalse(refused.local());
      assertEquals(ErrorCode.CAPABILITY_NOT_SUPPORTED, refused.code());
      assertEquals("bale does not list mls", refused.error().getMessage());
      assertEquals(1, broker.keyPackageCalls.size());
    }
  }

  @Test
  void requestsThatBreakARuleAreRefusedBeforeSending() throws Exception {
    ByteString one = KeyPackageSamples.KEY_PACKAGES.get(0);
    try (PeyvandClient client = client()) {
      KeyPackageCalls keys = client.keyPackages();
      assertRefusedBeforeSending(
          keys.publish(ALICE, List.of(one)),
          ErrorCode.NOT_PERMITTED,
          "user.platform_id is \"eitaa\"");
      assertEquals(ErrorCode.NOT_PERMITTED, refusalOf(keys.removeAll(ALICE)).code());
      assertEquals(ErrorCode.NOT_PERMITTED, refusalOf(keys.claim(ALICE, BOB, Set.of())).code());

      CallRefusedException ownTarget =
          refusalOf(keys.claim(BOB, UserAddresses.parse("bale:ali"), Set.of()));
      assertEquals(ErrorCode.INVALID_ARGUMENT, ownTarget.code());
      assertTrue(ownTarget.error().getMessage().contains("other platforms' users only"));
      UserAddress malformed = UserAddress.newBuilder().setPlatformId("eitaa").build();
      assertEquals(
          ErrorCode.INVALID_ADDRESS, refusalOf(keys.claim(BOB, malformed, Set.of())).code());

      CallRefusedException none = refusalOf(keys.publish(BOB, List.of()));
      assertEquals(ErrorCode.INVALID_ARGUMENT, none.code());
      CallRefusedException tooMany =
          refusalOf(keys.publish(BOB, Collections.nCopies(KeyPackageCalls.MAX_PER_CALL + 1, one)));
      assertTrue(
          tooMany.error().getMessage().startsWith("key_packages has 101 KeyPackages"),
          tooMany.error().getMessage());
      ByteString huge = ByteString.copyFrom(new byte[KeyPackageCalls.MAX_BYTES + 1]);
      CallRefusedException tooBig = refusalOf(keys.publish(BOB, List.of(one, huge)));
      assertTrue(
          tooBig.error().getMessage().startsWith("key_packages[1] has 65537 bytes"),
          tooBig.error().getMessage());
      assertEquals(List.of(), broker.keyPackageCalls, "nothing was sent");

      // Exactly the most is sent.
      await(keys.publish(BOB, Collections.nCopies(KeyPackageCalls.MAX_PER_CALL, one)));
      assertEquals(1, broker.keyPackageCalls.size());
    }
  }
}
