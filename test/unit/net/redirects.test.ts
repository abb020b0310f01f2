// A board's redirect is never followed: one that leads to another host, port or scheme is an error
// in words, and nothing more is sent (credentials stay with the address they were given for).
import { afterEach, describe, expect, it } from 'vitest';
import { forgetBoardAuth, sendWithAuth } from '../../../electron/engine/net/board-auth.ts';
import type { HttpResponse } from '../../../electron/engine/net/http-client.ts';
import { leavesBoard, refuseRedirectAway } from '../../../electron/engine/net/redirects.ts';

const board = { host: '10.9.9.7', port: 80 };
const credentials = { user: 'admin', password: 's3cret' };
const redirect = (status: number, location: string): HttpResponse => ({ status, headers: { location }, body: '' });

afterEach(() => forgetBoardAuth());

describe('redirects', () => {
  it('tells a redirect within the board from one that leaves it', () => {
    expect(leavesBoard(board, '/home.html')).toBe(false);
    expect(leavesBoard(board, 'http://10.9.9.7/home.html')).toBe(false);
    expect(leavesBoard(board, 'http://10.9.9.7:80/x')).toBe(false);
    expect(leavesBoard(board, 'http://10.9.9.8/update')).toBe(true);
    expect(leavesBoard(board, 'http://10.9.9.7:8080/update')).toBe(true);
    expect(leavesBoard(board, 'https://10.9.9.7/update')).toBe(true);
    expect(leavesBoard(board, '//evil.example/update')).toBe(true);
    expect(leavesBoard({ host: 'fe80::1', port: 81 }, 'http://[fe80::1]:81/a')).toBe(false);
  });

  it('returns a same-board redirect as it is (esp-link sends / → /home.html)', () => {
    const res = redirect(302, '/home.html');
    expect(refuseRedirectAway(board, res)).toBe(res);
  });

  it.each([301, 302, 307, 308])(
    'HTTP %i to another host: an error in words, and nothing is sent again',
    async (status) => {
      const sent: Array<string | undefined> = [];
      const send = async (authorization: string | undefined) => {
        sent.push(authorization);
        return redirect(status, 'http://10.9.9.66/update');
      };
      const answer = sendWithAuth(board, 'POST', '/update', credentials, send, { basicUpFront: true });
      await expect(answer).rejects.toThrow(
        new RegExp(
          `10\\.9\\.9\\.7 answered HTTP ${status}, redirecting to http://10\\.9\\.9\\.66/update\\. OTA Bench does not follow`,
        ),
      );
      // One request, to the board itself; the redirect's target got nothing, credentials least of all.
      expect(sent).toHaveLength(1);
    },
  );

  it('refuses a redirect without credentials too (the probe, identity checks)', async () => {
    const answer = sendWithAuth(board, 'GET', '/', null, async () => redirect(302, 'http://10.9.9.66/'));
    await expect(answer).rejects.toThrow(/does not follow a board's redirects/);
  });
});
