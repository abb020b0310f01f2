// The challenge/answer loop every request to a board goes through, against a fake board that
// checks Digest answers the way Mongoose does (its own nonce, any nonce count) and can call a nonce stale.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeChallenge,
  forgetBoardAuth,
  rememberCredentials,
  sendWithAuth,
} from '../../../electron/engine/net/board-auth.ts';
import type { HttpResponse } from '../../../electron/engine/net/http-client.ts';
import { parseChallenges } from '../../../electron/engine/net/www-authenticate.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const target = { host: '10.9.9.9', port: 80 };

function fakeBoard(options: { user: string; password: string; realm?: string; staleFirst?: boolean; basic?: boolean }) {
  const realm = options.realm ?? 'RPC';
  let nonce = 1;
  const seen: Array<string | undefined> = [];
  const challenge = (stale = false): HttpResponse => ({
    status: 401,
    headers: {
      'www-authenticate': options.basic
        ? `Basic realm="${realm}"`
        : `Digest qop="auth", realm="${realm}", nonce="${nonce.toString(16)}"${stale ? ', stale=true' : ''}`,
    },
    body: '',
  });
  let staleSent = false;
  const send = async (authorization: string | undefined): Promise<HttpResponse> => {
    seen.push(authorization);
    if (!authorization) return challenge();
    if (options.basic) {
      return authorization === `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`
        ? { status: 200, headers: {}, body: 'ok' }
        : challenge();
    }
    const p = parseChallenges(authorization)[0]!.params;
    if (p.nonce !== nonce.toString(16)) return challenge();
    if (options.staleFirst && !staleSent) {
      staleSent = true;
      nonce += 1;
      return challenge(true);
    }
    const ha1 = md5(`${p.username}:${realm}:${options.password}`);
    const expected = md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${md5(`POST:${p.uri}`)}`);
    return p.username === options.user && p.response === expected
      ? { status: 200, headers: {}, body: 'ok' }
      : challenge();
  };
  return { send, seen, expire: () => (nonce += 1) };
}

afterEach(() => forgetBoardAuth());

describe('sendWithAuth', () => {
  it('without credentials returns the 401 as it is', async () => {
    const board = fakeBoard({ user: 'admin', password: 'pw' });
    const res = await sendWithAuth(target, 'POST', '/rpc/Sys.GetInfo', undefined, board.send);
    expect(res.status).toBe(401);
    expect(board.seen).toEqual([undefined]);
  });

  it('answers the challenge once, then reuses the nonce with the next nonce count', async () => {
    const board = fakeBoard({ user: 'admin', password: 'pw' });
    const creds = { user: 'admin', password: 'pw' };
    expect((await sendWithAuth(target, 'POST', '/rpc/Sys.GetInfo', creds, board.send)).status).toBe(200);
    expect((await sendWithAuth(target, 'POST', '/rpc/OTA.GetBootState', creds, board.send)).status).toBe(200);
    expect(board.seen).toHaveLength(3); // challenge, answer, then straight in
    expect(board.seen[1]).toContain('nc=00000001');
    expect(board.seen[2]).toContain('nc=00000002');
  });

  it('a nonce the board no longer takes is answered once with its new one', async () => {
    const board = fakeBoard({ user: 'admin', password: 'pw' });
    const creds = { user: 'admin', password: 'pw' };
    await sendWithAuth(target, 'POST', '/a', creds, board.send);
    board.expire();
    expect((await sendWithAuth(target, 'POST', '/b', creds, board.send)).status).toBe(200);
    expect(board.seen).toHaveLength(4);
  });

  it('retries a stale nonce once', async () => {
    const board = fakeBoard({ user: 'admin', password: 'pw', staleFirst: true });
    expect((await sendWithAuth(target, 'POST', '/a', { user: 'admin', password: 'pw' }, board.send)).status).toBe(200);
    expect(board.seen).toHaveLength(3);
  });

  it('a wrong password ends after one answer: the 401 is the verdict', async () => {
    const board = fakeBoard({ user: 'admin', password: 'pw' });
    const res = await sendWithAuth(target, 'POST', '/a', { user: 'admin', password: 'nope' }, board.send);
    expect(res.status).toBe(401);
    expect(board.seen).toHaveLength(2);
  });

  it('Basic up front goes out once; a refused Basic is not sent again', async () => {
    const board = fakeBoard({ user: 'admin', password: 'pw', basic: true });
    expect(
      (
        await sendWithAuth(target, 'POST', '/update', { user: 'admin', password: 'pw' }, board.send, {
          basicUpFront: true,
        })
      ).status,
    ).toBe(200);
    expect(board.seen).toHaveLength(1);
    forgetBoardAuth();
    const wrong = fakeBoard({ user: 'admin', password: 'pw', basic: true });
    expect(
      (
        await sendWithAuth(target, 'POST', '/update', { user: 'admin', password: 'x' }, wrong.send, {
          basicUpFront: true,
        })
      ).status,
    ).toBe(401);
    expect(wrong.seen).toHaveLength(1);
  });

  it('a preflight learns the challenge so the large request goes out once, authenticated', async () => {
    const board = fakeBoard({ user: 'admin', password: 'pw' });
    const creds = { user: 'admin', password: 'pw' };
    const uploads: Array<string | undefined> = [];
    const res = await sendWithAuth(
      target,
      'POST',
      '/update',
      creds,
      async (auth) => {
        uploads.push(auth);
        return board.send(auth);
      },
      { preflight: () => sendWithAuth(target, 'POST', '/rpc/Sys.GetInfo', creds, board.send) },
    );
    expect(res.status).toBe(200);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatch(/^Digest .*uri="\/update"/);
  });

  it('remembered credentials are used when none are given', async () => {
    const board = fakeBoard({ user: 'admin', password: 'pw' });
    rememberCredentials(target, { user: 'admin', password: 'pw' });
    expect((await sendWithAuth(target, 'POST', '/a', undefined, board.send)).status).toBe(200);
  });
});

describe('describeChallenge', () => {
  it('names the scheme and realm, cleaned of control characters', () => {
    expect(describeChallenge('Digest qop="auth", realm="RPC", nonce="1", algorithm=SHA-256')).toBe(
      'HTTP Digest (realm "RPC", SHA-256)',
    );
    expect(describeChallenge('Basic realm="Login\u001b[2J Required"')).toBe('HTTP Basic (realm "Login [2J Required")');
    expect(describeChallenge(undefined)).toBeNull();
  });
});
