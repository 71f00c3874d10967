import { connect } from "node:net";

/** What one request over a fresh connection came back with. */
export interface Exchange {
  /** The HTTP status, or 0 when there was no response. */
  status: number;
  /** Bytes of the response (head and body). */
  bytes: number;
  /** Why it failed (no status), in a few words. */
  error?: string;
}

/** The hosts the load generator may send to: this machine only. */
export const LOCAL_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"] as const;

/** The host and port of a URL on this machine; a RangeError for anything else. */
export function localTarget(url: string): { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError(`invalid url: ${url} (expected http://127.0.0.1:PORT)`);
  }
  if (u.protocol !== "http:") throw new RangeError(`invalid url: ${url} (expected http://, not ${u.protocol})`);
  if (!(LOCAL_HOSTS as readonly string[]).includes(u.hostname)) {
    throw new RangeError(`invalid url: ${url} (the load generator sends only to 127.0.0.1, localhost or ::1)`);
  }
  const port = Number(u.port || 80);
  return { host: u.hostname === "[::1]" ? "::1" : u.hostname, port };
}

/**
 * Sends one HTTP/1.1 request on a new connection and reads the response until the server
 * closes it (the request asks for Connection: close). `head` is called when the connection is
 * up, so a time it stamps (X-Request-Start) is the moment the request is written.
 */
export function exchange(
  host: string,
  port: number,
  head: () => string,
  body: Uint8Array | null,
  timeoutMs: number,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const socket = connect({ host, port, noDelay: true });
    const finish = (result: Exchange): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish({ status: 0, bytes, error: `no response in ${timeoutMs} ms` }));
    socket.on("connect", () => {
      socket.write(head());
      if (body && body.length > 0) socket.write(body);
    });
    socket.on("data", (d: Buffer) => {
      if (bytes < 64) chunks.push(d);
      bytes += d.length;
    });
    socket.on("end", () => {
      const first = Buffer.concat(chunks).toString("latin1");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(first);
      finish(m ? { status: Number(m[1]), bytes } : { status: 0, bytes, error: "not an HTTP response" });
    });
    socket.on("error", (e: NodeJS.ErrnoException) => finish({ status: 0, bytes, error: e.code ?? e.message }));
  });
}
