// Loopback ports: free ones for the processes we start, and listen/close helpers for our servers.
import * as net from "node:net";

export const LOOPBACK = "127.0.0.1";

/** Listens on a free loopback port and returns it. */
export function listenLoopback(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** Closes a server, dropping kept-alive connections (Prometheus keeps its scrape connections open). */
export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}

/** Distinct free ports for processes we start (held together while chosen, so none repeats). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => net.createServer());
  const ports = await Promise.all(servers.map(listenLoopback));
  await Promise.all(servers.map(closeServer));
  return ports;
}
