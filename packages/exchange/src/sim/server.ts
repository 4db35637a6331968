import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ListeningSimulator = { url: string; close(): Promise<void> };

/** Takes an HTTP upgrade request (a WebSocket stream), e.g. `WebSocketServer.handleUpgrade` of `ws`. */
export type SimulatorUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer) => void;

/**
 * Serves a venue simulator's request handler over HTTP; resolves once it listens (port 0 = an
 * ephemeral port; host 127.0.0.1). Shared by every venue simulator.
 */
export async function listenSimulator(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  port = 0,
  host = '127.0.0.1',
  upgrade?: SimulatorUpgrade,
): Promise<ListeningSimulator> {
  const server = createServer((req, res) => {
    // A client that goes away mid-request must not take the server down.
    handle(req, res).catch(() => res.destroy());
  });
  // WebSocket streams: the dialect takes the upgrade (or refuses it by destroying the socket).
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (upgrade === undefined) socket.destroy();
    else upgrade(req, socket, head);
  });
  // Keep connections open like the real venues do: undici reuses a connection only while the
  // server's advertised keep-alive exceeds its 1 s safety margin, so a short value here would make
  // every client request pay a new TCP connection.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${shown}:${address.port}`, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
