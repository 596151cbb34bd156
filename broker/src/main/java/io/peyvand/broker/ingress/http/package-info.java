/**
 * The HTTP edge: health and metrics routes (WebSocket for web clients joins here).
 */
package io.peyvand.broker.ingress.http;
