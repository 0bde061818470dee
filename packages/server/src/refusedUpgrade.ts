/**
 * Closes the connection of a WebSocket upgrade the server refused (401, 403, 404, 400…). Once Node hands a socket
 * to the upgrade handler it no longer reads it, so a refused one would otherwise stay open, unseen by the HTTP
 * server's idle-connection cleanup, and hold `close()` until the client hangs up. @fastify/websocket destroys it
 * only when the refusal comes after its own onRequest hook, not from the authorization hook that runs first.
 */
import type { FastifyInstance } from 'fastify';

/** Adds the hook that ends refused upgrades' connections once their answer is sent. */
export function closeRefusedUpgrades(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode !== 101 && request.headers.upgrade?.toLowerCase() === 'websocket') request.raw.socket?.destroy();
  });
}
