/**
 * The HTTP edge: health and metrics routes, and the path where WebSocket sessions ({@link
 * io.peyvand.broker.ingress.ws}) are accepted.
 */
package io.peyvand.broker.ingress.http;
