// The client side of the admin API (admin-auth.ts signs each request with the cluster secret).
import { request } from 'node:http';
import { adminAuthHeader, signAdminRequest } from './admin-auth.js';

export interface AdminResponse {
  readonly status: number;
  readonly body: unknown;
}

/** One signed request to a node's HTTP endpoint (`node` is host:port); rejects on network errors. */
export function adminRequest(node: string, secret: Buffer, method: string, path: string, body = '', timeoutMs = 15_000): Promise<AdminResponse> {
  const m = /^(.*):([0-9]+)$/.exec(node);
  if (m === null) return Promise.reject(new Error(`--node '${node}' is not HOST:PORT`));
  const host = m[1].replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host, port: Number(m[2]), method, path, timeout: timeoutMs,
        headers: { [adminAuthHeader]: signAdminRequest(secret, method, path, body), 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${node} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
