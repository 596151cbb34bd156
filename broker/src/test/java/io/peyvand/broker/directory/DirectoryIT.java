package io.peyvand.broker.directory;

import static io.peyvand.broker.ingress.RawSession.block;
import static io.peyvand.broker.ingress.RawSession.consent;
import static io.peyvand.broker.ingress.RawSession.text;
import static io.peyvand.broker.ingress.RawSession.user;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestPki;
import io.peyvand.broker.ingress.ws.RawWebSocket;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.v1.AdminClient;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.DirectoryClient;
import io.peyvand.protocol.v1.DirectoryRequest;
import io.peyvand.protocol.v1.DirectoryResult;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.Hello;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.LookupRequest;
import io.peyvand.protocol.v1.LookupResult;
import io.peyvand.protocol.v1.NumberMatch;
import io.peyvand.protocol.v1.PlatformQuota;
import io.peyvand.protocol.v1.PublishRequest;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SetPlatformQuotaRequest;
import io.peyvand.protocol.v1.WithdrawRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The directory over real gRPC with mutual TLS (each platform its own certificate) and the real
 * Cassandra: publish, look up from another platform, withdraw, opt-out, numbers on several
 * platforms, a platform acting for another's users, answers that tell nothing, the allowances and a
 * scraper, and the same calls as WebSocket frames. Small allowances (a burst of 200 numbers per
 * user, 600 a day per platform) so that the limits are reached quickly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectoryIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final char[] PASSWORD = "directory-it".toCharArray();
  private static final int USER_BURST = 200;
  private static final int PLATFORM_PER_DAY = 600;
  private static final List<String> PLATFORMS = List.of("bale", "eitaa", "rubika", "soroush");

  private TestPki tls;
  private TestBroker node;
  private final Map<String, DirectoryClient> directory = new HashMap<>();
  private final Map<String, InterconnectClient> interconnect = new HashMap<>();

  @BeforeAll
  void start() throws Exception {
    tls = TestPki.create("DirectoryIT", PASSWORD);
    for (String platform : PLATFORMS) {
      tls.ca().issuePlatform(platform, false);
    }
    tls.ca().issueAdmin("ops", false);
    node =
        TestBroker.start(
            "DirectoryIT",
            cassandra,
            TestBroker.FOUR_PLATFORMS
                + "\npeyvand.directory { user-burst = "
                + USER_BURST
                + ", user-per-day = 1, platform-new-numbers-per-day = "
                + PLATFORM_PER_DAY
                + " }\n",
            tls);
    for (String platform : PLATFORMS) {
      var settings =
          TestPki.grpc(
              node.system(), node.grpcPort(), tls.context(tls.layout().platformKeyStore(platform)));
      directory.put(platform, DirectoryClient.create(settings, node.system()));
      interconnect.put(platform, InterconnectClient.create(settings, node.system()));
    }
  }

  @AfterAll
  void stop() {
    directory.values().forEach(DirectoryClient::close);
    interconnect.values().forEach(InterconnectClient::close);
    node.close();
    tls.close();
  }

  @Test
  void aNumberOnSeveralPlatformsIsFoundFromAnotherPreferredFirstUntilWithdrawn() throws Exception {
    publish("bale", "bale:ali", "0912 111 0001", false);
    var published = publish("eitaa", "eitaa:ali-e", "+98 912 111 0001", true);
    assertEquals("+989121110001", published.getPhoneNumber());

    // Persian digits, a number nobody published, and one that is not a number.
    LookupResult found =
        lookup("rubika", "rubika:sara", "۰۹۱۲۱۱۱۰۰۰۱", "0912 000 0000", "call me maybe");
    assertEquals(List.of("eitaa:ali-e", "bale:ali"), users(found.getMatches(0)), "preferred first");
    assertEquals("۰۹۱۲۱۱۱۰۰۰۱", found.getMatches(0).getPhoneNumber(), "as asked");
    assertEquals(List.of(), users(found.getMatches(1)));
    assertTrue(found.getMatches(2).getInvalid().contains("not a phone number"), found.toString());
    // A platform is not shown its own users: it knows them.
    assertEquals(
        List.of("eitaa:ali-e"), users(lookup("bale", "bale:reza", "09121110001").getMatches(0)));

    var withdrawn =
        get(
            directory
                .get("bale")
                .withdraw(
                    WithdrawRequest.newBuilder()
                        .setUser(user("bale:ali"))
                        .setPhoneNumber("+989121110001")
                        .build()));
    assertEquals(1, withdrawn.getWithdrawn());
    assertEquals(
        List.of("eitaa:ali-e"),
        users(lookup("rubika", "rubika:sara", "09121110001").getMatches(0)));
  }

  @Test
  void optingOutWithdrawsEveryEntryAtOnceAndBarsPublishingUntilOptedInAgain() throws Exception {
    publish("soroush", "soroush:maryam", "09122220001", false);
    publish("soroush", "soroush:maryam", "09122220002", false);
    assertEquals(
        List.of("soroush:maryam"),
        users(lookup("eitaa", "eitaa:nima", "09122220001").getMatches(0)));

    get(interconnect.get("soroush").setConsent(consent("soroush", "soroush:maryam", false)));
    LookupResult after = lookup("eitaa", "eitaa:nima", "09122220001", "09122220002");
    assertEquals(List.of(), users(after.getMatches(0)));
    assertEquals(List.of(), users(after.getMatches(1)));

    Status refused =
        refusal(
            directory.get("soroush").publish(publication("soroush:maryam", "09122220001").build()));
    assertEquals(Status.Code.PERMISSION_DENIED, refused.getCode(), refused.toString());
    assertTrue(refused.getDescription().contains("SetConsent first"), refused.toString());
  }

  @Test
  void aPlatformMayNotPublishWithdrawOrLookUpForAnotherPlatformsUser() throws Exception {
    publish("eitaa", "eitaa:omid", "09123330001", false);
    List<CompletionStage<?>> calls =
        List.of(
            directory.get("bale").publish(publication("eitaa:omid", "09123339999").build()),
            directory
                .get("bale")
                .withdraw(WithdrawRequest.newBuilder().setUser(user("eitaa:omid")).build()),
            directory
                .get("bale")
                .lookup(
                    LookupRequest.newBuilder()
                        .setAsker(user("eitaa:omid"))
                        .addPhoneNumbers("09123330001")
                        .build()));
    for (CompletionStage<?> call : calls) {
      Status status = refusal(call);
      assertEquals(Status.Code.PERMISSION_DENIED, status.getCode(), status.toString());
      assertTrue(status.getDescription().startsWith("NOT_PERMITTED: "), status.toString());
    }
    // Omid's entry is still there, and nothing was published for him.
    LookupResult found = lookup("rubika", "rubika:sara", "09123330001", "09123339999");
    assertEquals(List.of("eitaa:omid"), users(found.getMatches(0)));
    assertEquals(List.of(), users(found.getMatches(1)));
  }

  @Test
  void notRegisteredNotDiscoverableAndNotAcceptingTheAskerLookTheSame() throws Exception {
    // 1: nobody's. 2: withdrawn (its user is no longer discoverable). 3: a user who blocked the
    // asker. 4: a user who accepts the asker.
    publish("bale", "bale:shy", "09124440002", false);
    get(
        directory
            .get("bale")
            .withdraw(WithdrawRequest.newBuilder().setUser(user("bale:shy")).build()));
    publish("bale", "bale:blocker", "09124440003", false);
    publish("bale", "bale:friend", "09124440004", false);
    get(interconnect.get("bale").setBlocked(block("bale", "bale:blocker", "rubika:stalker", true)));
    LookupResult found =
        lookup(
            "rubika", "rubika:stalker", "09124440001", "09124440002", "09124440003", "09124440004");
    byte[] nobody = withoutNumber(found.getMatches(0));
    assertArrayEquals(nobody, withoutNumber(found.getMatches(1)), "registered, not discoverable");
    assertArrayEquals(nobody, withoutNumber(found.getMatches(2)), "blocked the asker");
    assertNotEquals(List.of(), users(found.getMatches(3)), "the control: found");
    // Anyone else still finds the user who blocked the stalker.
    assertEquals(
        List.of("bale:blocker"),
        users(lookup("rubika", "rubika:other", "09124440003").getMatches(0)));
  }

  @Test
  void badNumbersAndOversizedBatchesGetAClearError() throws Exception {
    Status bad = refusal(directory.get("bale").publish(publication("bale:ali", "0555 71").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, bad.getCode(), bad.toString());
    assertTrue(bad.getDescription().startsWith("INVALID_ARGUMENT: phone_number: "), bad.toString());
    assertFalse(bad.getDescription().contains("0555 71"), "numbers are never echoed");

    LookupRequest.Builder tooMany = LookupRequest.newBuilder().setAsker(user("bale:ali"));
    for (int i = 0; i < 1001; i++) {
      tooMany.addPhoneNumbers("0912" + String.format("%07d", i));
    }
    Status big = refusal(directory.get("bale").lookup(tooMany.build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, big.getCode(), big.toString());
    assertTrue(big.getDescription().contains("at most 1000"), big.toString());
  }

  /**
   * A scraper with Soroush's certificate tries 100,000 numbers, a batch of 100 at a time: as one
   * user it learns at most that user's burst; rotating through accounts, at most the platform's
   * daily allowance (plus the batch in flight). Every refusal is RATE_LIMITED with a retry hint in
   * the trailer, counted as a security event; meanwhile Soroush's other users resync their known
   * contacts and message, and other platforms look up as before. Then the operator raises the
   * platform's allowance (its quota, no restart) and a new account's lookup is answered.
   */
  @Test
  void aScraperLearnsAtMostItsAllowanceAndTheOthersKeepWorking() throws Exception {
    String refusals = "peyvand_refusals_total{code=\"RATE_LIMITED\",platform=\"soroush\"}";
    double refusedBefore = TestBroker.sample(tls.metrics(node), refusals).orElse(0.0);
    // A user of Soroush synced their contacts before the scraper came.
    publish("bale", "bale:contact", "09355550001", false);
    assertEquals(
        List.of("bale:contact"),
        users(lookup("soroush", "soroush:honest", "09355550001").getMatches(0)));
    // Some of the numbers the scraper will try are discoverable.
    for (int i = 0; i < 5; i++) {
      publish("eitaa", "eitaa:target-" + i, number(20_000 * i + 7), false);
    }

    int answeredAsOne = 0;
    Status firstRefusal = null;
    for (int batch = 0; batch < 1000 && answeredAsOne <= USER_BURST; batch++) {
      try {
        get(lookupBatch("soroush:scraper", batch));
        answeredAsOne += 100;
      } catch (ExecutionException e) {
        firstRefusal = Status.fromThrowable(e.getCause());
        break;
      }
    }
    assertEquals(USER_BURST, answeredAsOne, "one account: its burst, then refused");
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, firstRefusal.getCode(), firstRefusal.toString());
    assertTrue(firstRefusal.getDescription().startsWith("RATE_LIMITED: "), firstRefusal.toString());
    assertTrue(
        Long.parseLong(retryAfter(lookupRefusedTrailer("soroush:scraper", 999))) > 0,
        "a retry hint");

    // Rotating accounts: the rest of the 100,000, each account until it is refused.
    int answered = answeredAsOne;
    int refusedCalls = 1;
    int account = 0;
    for (int batch = answeredAsOne / 100; batch < 1000; batch++) {
      try {
        get(lookupBatch("soroush:scraper-" + account, batch));
        answered += 100;
      } catch (ExecutionException e) {
        refusedCalls++;
        account++;
      }
    }
    assertTrue(
        answered <= PLATFORM_PER_DAY + 100,
        "the platform's daily allowance bounds a scraper with many accounts: " + answered);
    assertTrue(answered >= PLATFORM_PER_DAY, "and it was reached: " + answered);
    // The operator raises Soroush's allowance for the day (a launch): new accounts learn again.
    AdminClient admin =
        AdminClient.create(
            TestPki.grpc(
                node.system(), node.grpcPort(), tls.context(tls.layout().adminKeyStore("ops"))),
            node.system());
    try {
      get(
          admin.setPlatformQuota(
              SetPlatformQuotaRequest.newBuilder()
                  .setPlatformId("soroush")
                  .setQuota(PlatformQuota.newBuilder().setDirectoryNewNumbersPerDay(100_000))
                  .build()));
    } finally {
      admin.close();
    }
    assertEquals(100, get(lookupBatch("soroush:launch-day", 0)).getMatchesCount());

    String after = tls.metrics(node);
    double refusedAfter = TestBroker.sample(after, refusals).orElse(0.0);
    assertTrue(
        refusedAfter >= refusedBefore + refusedCalls,
        "every refusal is a security event: "
            + refusedBefore
            + " before, "
            + refusedAfter
            + " after "
            + refusedCalls
            + " refused calls");
    // Soroush's honest user resyncs known contacts (free), and messages; others look up.
    assertEquals(
        List.of("bale:contact"),
        users(lookup("soroush", "soroush:honest", "09355550001").getMatches(0)));
    assertTrue(
        TestBroker.submit(
                interconnect.get("soroush"),
                "soroush",
                text("dir-2", "soroush:honest", "bale:contact", "still here"))
            .hasAccepted());
    assertEquals(
        List.of("eitaa:target-0"), users(lookup("bale", "bale:someone", number(7)).getMatches(0)));
  }

  @Test
  void theSameCallsTravelAsWebSocketFrames() throws Exception {
    publish("rubika", "rubika:leila", "09126660001", false);
    HttpClient eitaa =
        HttpClient.newBuilder()
            .sslContext(tls.context(tls.layout().platformKeyStore("eitaa")))
            .build();
    URI ws = URI.create("wss://127.0.0.1:" + node.httpPort() + "/v1/ws");
    try (RawWebSocket session = RawWebSocket.open(eitaa, ws)) {
      session.send(
          ClientFrame.newBuilder()
              .setHello(Hello.newBuilder().setProtocolVersion(1).setPlatformId("eitaa"))
              .build());
      session.expect(ServerFrame::hasWelcome, Duration.ofSeconds(20));
      DirectoryResult result =
          directory(
              session,
              DirectoryRequest.newBuilder()
                  .setCorrelationId(41)
                  .setLookup(
                      LookupRequest.newBuilder()
                          .setAsker(user("eitaa:kian"))
                          .addPhoneNumbers("09126660001")));
      assertEquals(41, result.getCorrelationId());
      assertEquals(List.of("rubika:leila"), users(result.getFound().getMatches(0)));

      DirectoryResult refused =
          directory(
              session,
              DirectoryRequest.newBuilder()
                  .setCorrelationId(42)
                  .setPublish(publication("rubika:leila", "09126660001")));
      assertEquals(42, refused.getCorrelationId());
      assertEquals(ErrorCode.NOT_PERMITTED, refused.getRefused().getCode(), refused.toString());
    }
  }

  private static String number(int i) {
    return "+98935" + String.format("%07d", i);
  }

  /** Soroush looks up, for {@code asker}, the 100 numbers of batch {@code batch}. */
  private CompletionStage<LookupResult> lookupBatch(String asker, int batch) {
    LookupRequest.Builder request = LookupRequest.newBuilder().setAsker(user(asker));
    for (int i = 0; i < 100; i++) {
      request.addPhoneNumbers(number(batch * 100 + i));
    }
    return directory.get("soroush").lookup(request.build());
  }

  /** The trailers of a lookup by {@code asker} that is refused. */
  private io.grpc.Metadata lookupRefusedTrailer(String asker, int batch) {
    ExecutionException refused =
        assertThrows(ExecutionException.class, () -> get(lookupBatch(asker, batch)));
    return io.grpc.Status.trailersFromThrowable(refused.getCause());
  }

  private static String retryAfter(io.grpc.Metadata trailers) {
    return trailers.get(
        io.grpc.Metadata.Key.of(
            "peyvand-retry-after-ms", io.grpc.Metadata.ASCII_STRING_MARSHALLER));
  }

  /**
   * A request to publish {@code user}'s (platform:user) {@code number}, for the caller to build.
   */
  private static PublishRequest.Builder publication(String user, String number) {
    return PublishRequest.newBuilder().setUser(user(user)).setPhoneNumber(number);
  }

  private io.peyvand.protocol.v1.PublishResult publish(
      String platform, String user, String number, boolean preferred) throws Exception {
    return get(
        directory.get(platform).publish(publication(user, number).setPreferred(preferred).build()));
  }

  private LookupResult lookup(String platform, String asker, String... numbers) throws Exception {
    return get(
        directory
            .get(platform)
            .lookup(
                LookupRequest.newBuilder()
                    .setAsker(user(asker))
                    .addAllPhoneNumbers(List.of(numbers))
                    .build()));
  }

  private static List<String> users(NumberMatch match) {
    List<String> users = new ArrayList<>();
    match.getUsersList().forEach(u -> users.add(Addresses.format(u)));
    return users;
  }

  private static byte[] withoutNumber(NumberMatch match) {
    return match.toBuilder().clearPhoneNumber().build().toByteArray();
  }

  private static Status refusal(CompletionStage<?> call) {
    ExecutionException refused = assertThrows(ExecutionException.class, () -> get(call));
    return Status.fromThrowable(refused.getCause());
  }

  private static <T> T get(CompletionStage<T> call) throws Exception {
    return call.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Sends {@code request} over {@code session} and waits for its result (at most 20 s). */
  private static DirectoryResult directory(RawWebSocket session, DirectoryRequest.Builder request) {
    session.send(ClientFrame.newBuilder().setDirectory(request).build());
    return session
        .expect(ServerFrame::hasDirectoryResult, Duration.ofSeconds(20))
        .getDirectoryResult();
  }
}
