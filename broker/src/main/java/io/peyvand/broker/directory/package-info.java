/**
 * Finding users across platforms by phone number (issue 17): numbers in E.164 form ({@link
 * io.peyvand.broker.directory.PhoneNumber}), stored only as keyed hashes ({@link
 * io.peyvand.broker.directory.NumberHasher}), looked up within allowances of distinct new numbers
 * ({@link io.peyvand.broker.directory.LookupLedger}). The store, the service and the wire calls
 * come next.
 */
package io.peyvand.broker.directory;
