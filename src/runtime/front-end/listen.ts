// Binding a front end's TCP server, with one clear error when the address cannot be had.
import type net from 'node:net';

/** Listens on host:port (0 = an OS-chosen port) and resolves with the port actually bound. */
export async function listenOn(server: net.Server, what: string, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(new Error(`${what}: cannot listen on ${host}:${port}: ${err.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error(`${what}: the server is not bound to a TCP port`);
  return bound.port;
}
