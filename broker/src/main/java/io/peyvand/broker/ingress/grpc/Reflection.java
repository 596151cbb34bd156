package io.peyvand.broker.ingress.grpc;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.grpc.Status;
import io.peyvand.broker.ingress.grpc.reflection.v1.ErrorResponse;
import io.peyvand.broker.ingress.grpc.reflection.v1.ExtensionNumberResponse;
import io.peyvand.broker.ingress.grpc.reflection.v1.FileDescriptorResponse;
import io.peyvand.broker.ingress.grpc.reflection.v1.ListServiceResponse;
import io.peyvand.broker.ingress.grpc.reflection.v1.ServerReflectionRequest;
import io.peyvand.broker.ingress.grpc.reflection.v1.ServerReflectionResponse;
import io.peyvand.broker.ingress.grpc.reflection.v1.ServiceResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.NotUsed;
import org.apache.pekko.grpc.ServiceDescription;
import org.apache.pekko.stream.javadsl.Source;

/**
 * gRPC server reflection for the services of the gRPC port, under both names tools ask for: {@code
 * grpc.reflection.v1.ServerReflection} (asked first by newer tools) and {@code
 * grpc.reflection.v1alpha.ServerReflection}. The two are the same on the wire, so one
 * implementation serves both.
 *
 * <p>A file asked for by name or by a symbol it declares (a service, method, message, nested
 * message, enum or field) comes with every file it imports, transitively, in each answer: the
 * requested file first, then its dependencies breadth first, each once (as grpc-java does), so a
 * client can build every type from one answer alone. An unknown file or symbol, and extensions (the
 * served files declare none; a message type is answered with no extension numbers) are answered
 * with an error response NOT_FOUND; the stream goes on. (pekko-grpc's own reflection served v1alpha
 * only, left the dependencies out, and answered an unknown symbol with no file: issue 14.)
 */
public final class Reflection
    implements io.peyvand.broker.ingress.grpc.reflection.v1.ServerReflection,
        io.peyvand.broker.ingress.grpc.reflection.v1alpha.ServerReflection {

  private final List<String> services;
  private final Map<String, FileDescriptor> files = new HashMap<>();
  private final Map<String, FileDescriptor> symbols = new HashMap<>();
  private final Set<String> messageTypes = new HashSet<>();

  /** Reflection over {@code served} and both reflection services themselves. */
  public Reflection(Collection<ServiceDescription> served) {
    List<ServiceDescription> all = new ArrayList<>(served);
    all.add(io.peyvand.broker.ingress.grpc.reflection.v1.ServerReflection.description);
    all.add(io.peyvand.broker.ingress.grpc.reflection.v1alpha.ServerReflection.description);
    this.services = all.stream().map(ServiceDescription::name).sorted().toList();
    all.forEach(service -> index(service.descriptor()));
  }

  /** The full names of the services listed by {@code list_services}. */
  public List<String> services() {
    return services;
  }

  private void index(FileDescriptor file) {
    if (files.putIfAbsent(file.getName(), file) != null) {
      return;
    }
    for (ServiceDescriptor service : file.getServices()) {
      symbols.put(service.getFullName(), file);
      service.getMethods().forEach(method -> symbols.put(method.getFullName(), file));
    }
    file.getMessageTypes().forEach(message -> index(message, file));
    file.getEnumTypes().forEach(e -> index(e, file));
    file.getExtensions().forEach(extension -> symbols.put(extension.getFullName(), file));
    file.getDependencies().forEach(this::index);
  }

  private void index(Descriptor message, FileDescriptor file) {
    symbols.put(message.getFullName(), file);
    messageTypes.add(message.getFullName());
    for (FieldDescriptor field : message.getFields()) {
      symbols.put(field.getFullName(), file);
    }
    message.getNestedTypes().forEach(nested -> index(nested, file));
    message.getEnumTypes().forEach(e -> index(e, file));
  }

  private void index(EnumDescriptor e, FileDescriptor file) {
    symbols.put(e.getFullName(), file);
    e.getValues().forEach(value -> symbols.put(value.getFullName(), file));
  }

  @Override
  public Source<ServerReflectionResponse, NotUsed> serverReflectionInfo(
      Source<ServerReflectionRequest, NotUsed> in) {
    return in.map(this::answer);
  }

  /** The answer to one request. */
  public ServerReflectionResponse answer(ServerReflectionRequest request) {
    ServerReflectionResponse.Builder response =
        ServerReflectionResponse.newBuilder()
            .setValidHost(request.getHost())
            .setOriginalRequest(request);
    return switch (request.getMessageRequestCase()) {
      case LIST_SERVICES ->
          response
              .setListServicesResponse(
                  ListServiceResponse.newBuilder()
                      .addAllService(
                          services.stream()
                              .map(name -> ServiceResponse.newBuilder().setName(name).build())
                              .toList()))
              .build();
      case FILE_BY_FILENAME ->
          withFile(
              response,
              Optional.ofNullable(files.get(request.getFileByFilename())),
              "no file named " + request.getFileByFilename());
      case FILE_CONTAINING_SYMBOL ->
          withFile(
              response,
              Optional.ofNullable(symbols.get(request.getFileContainingSymbol())),
              "no symbol " + request.getFileContainingSymbol());
      case FILE_CONTAINING_EXTENSION ->
          notFound(
              response,
              "no extension "
                  + request.getFileContainingExtension().getExtensionNumber()
                  + " of "
                  + request.getFileContainingExtension().getContainingType()
                  + ": the served files declare no extensions");
      case ALL_EXTENSION_NUMBERS_OF_TYPE ->
          messageTypes.contains(request.getAllExtensionNumbersOfType())
              ? response
                  .setAllExtensionNumbersResponse(
                      ExtensionNumberResponse.newBuilder()
                          .setBaseTypeName(request.getAllExtensionNumbersOfType()))
                  .build()
              : notFound(response, "no message type " + request.getAllExtensionNumbersOfType());
      case MESSAGEREQUEST_NOT_SET ->
          response
              .setErrorResponse(
                  ErrorResponse.newBuilder()
                      .setErrorCode(Status.Code.INVALID_ARGUMENT.value())
                      .setErrorMessage(
                          "the request names nothing: set list_services, file_by_filename,"
                              + " file_containing_symbol, file_containing_extension or"
                              + " all_extension_numbers_of_type"))
              .build();
    };
  }

  private static ServerReflectionResponse withFile(
      ServerReflectionResponse.Builder response, Optional<FileDescriptor> file, String missing) {
    if (file.isEmpty()) {
      return notFound(response, missing);
    }
    FileDescriptorResponse.Builder found = FileDescriptorResponse.newBuilder();
    for (FileDescriptor each : withDependencies(file.get())) {
      found.addFileDescriptorProto(each.toProto().toByteString());
    }
    return response.setFileDescriptorResponse(found).build();
  }

  /** The file, then every file it imports, transitively, breadth first, each once. */
  static Set<FileDescriptor> withDependencies(FileDescriptor file) {
    Set<FileDescriptor> out = new LinkedHashSet<>();
    Deque<FileDescriptor> next = new ArrayDeque<>(List.of(file));
    while (!next.isEmpty()) {
      FileDescriptor each = next.poll();
      if (out.add(each)) {
        next.addAll(each.getDependencies());
      }
    }
    return out;
  }

  private static ServerReflectionResponse notFound(
      ServerReflectionResponse.Builder response, String message) {
    return response
        .setErrorResponse(
            ErrorResponse.newBuilder()
                .setErrorCode(Status.Code.NOT_FOUND.value())
                .setErrorMessage(message))
        .build();
  }
}
