import type { Server, Socket } from 'node:net';

/**
 * How long the console waits for a client and how much it takes from one, so that a slow, idle or
 * greedy client (or many) cannot hold the console. Each has a default; `serve` sets the upload ones
 * from its options, tests set short times.
 */
export interface ConsoleLimits {
  /** A request's headers must have arrived this long after its first byte. */
  headersMs: number;
  /** A form's body (sign-in, produce, ...) must have arrived this long after its headers. */
  formBodyMs: number;
  /** Any request, an upload included, must have arrived whole this long after its first byte. */
  requestMs: number;
  /** A connection that sends nothing for this long is closed. */
  idleMs: number;
  /** A kept-alive connection is closed this long after its last answer. */
  keepAliveMs: number;
  /** Connections open at once from one address; more are closed as they arrive. */
  connectionsPerAddress: number;
  /** The largest workbook one upload may be. */
  uploadBytes: number;
  /** Uploads one person may make in an hour. */
  uploadsPerHour: number;
  /** Uploaded workbooks kept in data/uploads at most; past it an upload is refused until one is removed. */
  maxUploads: number;
  /** The most all uploaded workbooks may take up together. */
  maxUploadsTotalBytes: number;
}

export const DEFAULT_LIMITS: ConsoleLimits = {
  headersMs: 10_000,
  formBodyMs: 10_000,
  // 25 MB in two minutes is about 1.7 Mbit/s.
  requestMs: 120_000,
  idleMs: 30_000,
  keepAliveMs: 5_000,
  // A browser opens about six connections to a site; a proxy in front of the console counts as one address.
  connectionsPerAddress: 32,
  uploadBytes: 25 * 1024 * 1024,
  uploadsPerHour: 30,
  maxUploads: 50,
  maxUploadsTotalBytes: 500 * 1024 * 1024,
};

/** The Node HTTP server's own bounds for these limits (fastify passes them on). */
export function serverTimeouts(limits: ConsoleLimits): {
  connectionTimeout: number;
  keepAliveTimeout: number;
  requestTimeout: number;
  http: { headersTimeout: number; connectionsCheckingInterval: number };
} {
  return {
    connectionTimeout: limits.idleMs,
    keepAliveTimeout: limits.keepAliveMs,
    requestTimeout: Math.max(limits.requestMs, limits.headersMs + 1),
    // Node checks headers and request times on this interval (30 s by default), so it bounds how late they bite.
    http: { headersTimeout: limits.headersMs, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersMs / 4))) },
  };
}

/** Closes each connection past `perAddress` open at once from one address, as it arrives. */
export function limitConnections(server: Server, perAddress: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > perAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
