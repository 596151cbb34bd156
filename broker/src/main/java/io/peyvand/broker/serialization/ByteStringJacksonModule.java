package io.peyvand.broker.serialization;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.google.protobuf.ByteString;
import java.io.IOException;

/**
 * Lets {@link ClusterMessage}s carry protobuf {@link ByteString}s (media hashes, ciphertexts of
 * {@code Content}) as CBOR byte strings, without a copy into a {@code byte[]} field of the domain
 * records. Registered with Pekko's Jackson serializer in reference.conf ({@code
 * pekko.serialization.jackson.jackson-modules}).
 */
public final class ByteStringJacksonModule extends SimpleModule {

  public ByteStringJacksonModule() {
    super("peyvand-bytestring");
    addSerializer(
        ByteString.class,
        new StdSerializer<>(ByteString.class) {
          @Override
          public void serialize(ByteString value, JsonGenerator out, SerializerProvider provider)
              throws IOException {
            out.writeBinary(value.toByteArray());
          }
        });
    addDeserializer(
        ByteString.class,
        new StdDeserializer<>(ByteString.class) {
          @Override
          public ByteString deserialize(JsonParser in, DeserializationContext context)
              throws IOException {
            return ByteString.copyFrom(in.getBinaryValue());
          }
        });
  }
}
