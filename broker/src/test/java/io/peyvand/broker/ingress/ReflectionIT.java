package io.peyvand.broker.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.ingress.grpc.reflection.v1.ServerReflectionRequest;
import io.peyvand.broker.ingress.grpc.reflection.v1.ServerReflectionResponse;
import io.peyvand.broker.ingress.grpc.reflection.v1.ServiceResponse;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gRPC server reflection over real gRPC, in both versions tools use (issue 14: v1 answered
 * UNIMPLEMENTED, and v1alpha's answers left out the files the requested one imports, so a client
 * following an answer alone failed with "no such type"): the services the port serves are listed,
 * and the answer for a symbol builds every type of the service from its files alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReflectionIT {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private TestBroker node;
  private ActorSystem<Void> system;
  private io.peyvand.broker.ingress.grpc.reflection.v1.ServerReflectionClient v1;
  private io.peyvand.broker.ingress.grpc.reflection.v1alpha.ServerReflectionClient v1alpha;

  @BeforeAll
  void start() throws Exception {
    node = TestBroker.start("ReflectionIT", cassandra, TestBroker.BALE_AND_EITAA);
    system = node.system();
    GrpcClientSettings settings = node.grpc("bale");
    v1 =
        io.peyvand.broker.ingress.grpc.reflection.v1.ServerReflectionClient.create(
            settings, system);
    v1alpha =
        io.peyvand.broker.ingress.grpc.reflection.v1alpha.ServerReflectionClient.create(
            settings, system);
  }

  @AfterAll
  void stop() {
    v1.close();
    v1alpha.close();
    node.close();
  }

  /** Sends the requests on one stream of the version's service; its answers in order. */
  private List<ServerReflectionResponse> ask(String version, ServerReflectionRequest... requests)
      throws Exception {
    Function<Source<ServerReflectionRequest, NotUsed>, Source<ServerReflectionResponse, NotUsed>>
        call = version.equals("v1") ? v1::serverReflectionInfo : v1alpha::serverReflectionInfo;
    return call.apply(Source.from(List.of(requests)))
        .runWith(Sink.seq(), system)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static ServerReflectionRequest symbol(String name) {
    return ServerReflectionRequest.newBuilder().setFileContainingSymbol(name).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1", "v1alpha"})
  void theServicesOfThePortAreListed(String version) throws Exception {
    ServerReflectionResponse answer =
        ask(version, ServerReflectionRequest.newBuilder().setListServices("*").build()).get(0);
    Set<String> names = new HashSet<>();
    answer.getListServicesResponse().getServiceList().stream()
        .map(ServiceResponse::getName)
        .forEach(names::add);
    assertEquals(
        Set.of(
            "peyvand.v1.Interconnect",
            "peyvand.v1.Admin",
            "peyvand.v1.Groups",
            "peyvand.v1.Directory",
            "peyvand.v1.KeyPackageDirectory",
            "peyvand.v1.Regulator",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection"),
        names);
  }

  /**
   * Each service's answer alone builds the service and every message its methods take and give,
   * with every field's type resolved; a second request on the same stream is answered whole too.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1", "v1alpha"})
  void theAnswerForASymbolCarriesEveryFileItNeeds(String version) throws Exception {
    List<String> services =
        List.of(
            "peyvand.v1.Interconnect",
            "peyvand.v1.Groups",
            "peyvand.v1.Directory",
            "peyvand.v1.KeyPackageDirectory",
            "peyvand.v1.Admin",
            "peyvand.v1.Regulator",
            "grpc.health.v1.Health");
    List<ServerReflectionResponse> answers =
        ask(
            version,
            services.stream().map(ReflectionIT::symbol).toArray(ServerReflectionRequest[]::new));
    for (int i = 0; i < services.size(); i++) {
      ServerReflectionResponse answer = answers.get(i);
      assertTrue(answer.hasFileDescriptorResponse(), services.get(i) + ": " + answer);
      FileDescriptor file =
          buildFirst(answer.getFileDescriptorResponse().getFileDescriptorProtoList());
      String simple = services.get(i).substring(services.get(i).lastIndexOf('.') + 1);
      ServiceDescriptor service = file.findServiceByName(simple);
      assertNotNull(service, services.get(i));
      for (MethodDescriptor method : service.getMethods()) {
        assertResolved(method.getInputType(), new HashSet<>());
        assertResolved(method.getOutputType(), new HashSet<>());
      }
    }
    FileDescriptor interconnect =
        buildFirst(answers.get(0).getFileDescriptorResponse().getFileDescriptorProtoList());
    assertEquals(
        "peyvand.v1.ClientFrame",
        interconnect
            .findServiceByName("Interconnect")
            .findMethodByName("Connect")
            .getInputType()
            .getFullName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1", "v1alpha"})
  void aFileByNameAndANestedSymbolAreFoundAndAnUnknownOneIsNotFound(String version)
      throws Exception {
    List<ServerReflectionResponse> answers =
        ask(
            version,
            ServerReflectionRequest.newBuilder()
                .setFileByFilename("peyvand/v1/envelope.proto")
                .build(),
            symbol("peyvand.v1.Envelope.text"),
            symbol("peyvand.v1.NoSuchThing"),
            ServerReflectionRequest.newBuilder()
                .setAllExtensionNumbersOfType("peyvand.v1.Envelope")
                .build());
    assertEquals(
        "peyvand/v1/envelope.proto",
        FileDescriptorProto.parseFrom(
                answers.get(0).getFileDescriptorResponse().getFileDescriptorProto(0))
            .getName());
    assertEquals(
        "peyvand/v1/envelope.proto",
        FileDescriptorProto.parseFrom(
                answers.get(1).getFileDescriptorResponse().getFileDescriptorProto(0))
            .getName());
    assertEquals(
        Status.Code.NOT_FOUND.value(),
        answers.get(2).getErrorResponse().getErrorCode(),
        answers.get(2).toString());
    assertEquals(symbol("peyvand.v1.NoSuchThing"), answers.get(2).getOriginalRequest());
    assertEquals(
        "peyvand.v1.Envelope", answers.get(3).getAllExtensionNumbersResponse().getBaseTypeName());
  }

  /** Builds the answer's files with nothing but each other; returns the first (the requested). */
  private static FileDescriptor buildFirst(List<ByteString> protos)
      throws InvalidProtocolBufferException, DescriptorValidationException {
    Map<String, FileDescriptorProto> byName = new HashMap<>();
    List<String> order = new ArrayList<>();
    for (ByteString bytes : protos) {
      FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
      assertTrue(byName.put(proto.getName(), proto) == null, "sent twice: " + proto.getName());
      order.add(proto.getName());
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    return build(order.get(0), byName, built);
  }

  private static FileDescriptor build(
      String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built)
      throws DescriptorValidationException {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    assertNotNull(proto, "the answer lacks " + name);
    List<FileDescriptor> dependencies = new ArrayList<>();
    for (String dependency : proto.getDependencyList()) {
      dependencies.add(build(dependency, protos, built));
    }
    FileDescriptor file =
        FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
    built.put(name, file);
    return file;
  }

  private static void assertResolved(Descriptor message, Set<String> seen) {
    if (!seen.add(message.getFullName())) {
      return;
    }
    for (FieldDescriptor field : message.getFields()) {
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        assertResolved(field.getMessageType(), seen);
      } else if (field.getJavaType() == FieldDescriptor.JavaType.ENUM) {
        assertNotNull(field.getEnumType().getFullName());
      }
    }
  }
}
