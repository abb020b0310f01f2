// Credentials go only to the address they were given for, never across a redirect: a board that
// answers 301/302/307 pointing at another host gets an error in words, and the other host gets
// nothing at all (no request, so no Authorization header). Real sockets, in the private namespace.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { forgetBoardAuth } from '../../../electron/engine/net/board-auth.ts';
import { httpRequest } from '../../../electron/engine/net/http-client.ts';
import { assertPrivateNetwork } from '../../support/netns-guard.ts';

const servers: http.Server[] = [];
beforeAll(() => assertPrivateNetwork('the redirect test'));
afterEach(async () => {
  forgetBoardAuth();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(
  host: string,
  handler: http.RequestListener,
): Promise<{ port: number; seen: http.IncomingHttpHeaders[] }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { port: (server.address() as AddressInfo).port, seen };
}

describe('redirects from a board', () => {
  it.each([301, 302, 307])(
    'HTTP %i to another host: refused in words; the other host gets no request and no credentials',
    async (status) => {
      const elsewhere = await serve('127.0.21.2', (_req, res) => res.end('ok'));
      const board = await serve('127.0.21.1', (req, res) => {
        if (!req.headers.authorization) {
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="Login Required"' }).end();
          return;
        }
        res.writeHead(status, { Location: `http://127.0.21.2:${elsewhere.port}/update` }).end();
      });
      const answer = httpRequest(
        { host: '127.0.21.1', port: board.port },
        { path: '/update', credentials: { user: 'admin', password: 's3cret' } },
      );
      await expect(answer).rejects.toThrow(
        new RegExp(
          `answered HTTP ${status}, redirecting to http://127\\.0\\.21\\.2:\\d+/update\\. OTA Bench does not follow`,
        ),
      );
      expect(board.seen.some((h) => h.authorization?.startsWith('Basic '))).toBe(true);
      expect(elsewhere.seen).toHaveLength(0);
    },
  );

  it('a redirect within the board comes back as it is, unfollowed', async () => {
    const board = await serve('127.0.21.1', (_req, res) => res.writeHead(302, { Location: '/home.html' }).end());
    const res = await httpRequest({ host: '127.0.21.1', port: board.port }, { path: '/', credentials: null });
    expect(res.status).toBe(302);
    expect(board.seen).toHaveLength(1);
  });
});
