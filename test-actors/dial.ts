/** Whether anything listens on a loopback port, for tests of actors that serve. */
import { connect } from 'node:net';

/** Resolves with the error code of a TCP connection attempt to 127.0.0.1:`port` (or `connected`). */
export function dial(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
  });
}
