// Forget in the app drops what the engine was given for a board, not only what the main process
// saved: the next request goes without, and the board's challenge is still known (the plan says
// "needs a password").
import { beforeEach, describe, expect, it } from 'vitest';
import {
  forgetBoardAuth,
  forgetCredentials,
  lastChallenge,
  rememberCredentials,
  rememberedCredentials,
  sendWithAuth,
} from '../../../electron/engine/net/board-auth.ts';

const target = { host: '192.168.1.20', port: 80 };
const other = { host: '192.168.1.21', port: 80 };

beforeEach(() => forgetBoardAuth());

describe('forgetCredentials', () => {
  it('drops this board’s credentials only, and keeps how it asks', async () => {
    rememberCredentials(target, { user: 'admin', password: 'p' });
    rememberCredentials(other, { user: 'admin', password: 'q' });
    const challenge = { 'www-authenticate': 'Basic realm="Login Required"' };
    await sendWithAuth(target, 'GET', '/', null, async () => ({
      status: 401,
      headers: challenge,
      body: '',
    }));
    forgetCredentials(target);
    expect(rememberedCredentials(target)).toBeNull();
    expect(rememberedCredentials(other)).toEqual({ user: 'admin', password: 'q' });
    expect(lastChallenge(target)).toMatch(/Basic/);
    const sent: (string | undefined)[] = [];
    await sendWithAuth(target, 'GET', '/', null, async (authorization) => {
      sent.push(authorization);
      return { status: 401, headers: challenge, body: '' };
    });
    expect(sent).toEqual([undefined]);
  });

  it('a board never seen is nothing to forget', () => {
    expect(() => forgetCredentials({ host: 'nowhere', port: 1 })).not.toThrow();
  });
});
