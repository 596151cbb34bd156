package io.peyvand.persistence.cassandra;

/** An embedded Cassandra node could not be started; the message says why and what to do. */
public final class CassandraStartException extends RuntimeException {
  public CassandraStartException(String message) {
    super(message);
  }

  public CassandraStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
