// Digest authentication against the RFCs' own examples, and the challenge parser against headers
// no honest board sends.
import { describe, expect, it } from 'vitest';
import {
  type DigestChallenge,
  DigestSession,
  digestAuthorization,
  digestChallenge,
  digestResponse,
  strongestDigest,
} from '../../../electron/engine/net/digest-auth.ts';
import { parseChallenges } from '../../../electron/engine/net/www-authenticate.ts';

const challenge = (header: string): DigestChallenge => {
  const parsed = strongestDigest(parseChallenges(header));
  if (!parsed) throw new Error(`no digest challenge in ${header}`);
  return parsed;
};

// RFC 7616 §3.9.1: the same request answered with SHA-256 and with MD5.
const RFC7616_NONCE = '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v';
const RFC7616_OPAQUE = 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS';
const RFC7616_CNONCE = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
const rfc7616 = (algorithm: string) =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="${RFC7616_NONCE}", opaque="${RFC7616_OPAQUE}"`;
const mufasa = {
  username: 'Mufasa',
  password: 'Circle of Life',
  method: 'GET',
  uri: '/dir/index.html',
  nc: 1,
  cnonce: RFC7616_CNONCE,
};

describe('RFC 7616 §3.9.1 examples', () => {
  it('SHA-256', () => {
    const c = challenge(rfc7616('SHA-256'));
    expect(digestResponse({ challenge: c, ...mufasa })).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
    expect(digestAuthorization({ challenge: c, ...mufasa })).toBe(
      'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, ' +
        `nonce="${RFC7616_NONCE}", nc=00000001, cnonce="${RFC7616_CNONCE}", qop=auth, ` +
        `response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="${RFC7616_OPAQUE}"`,
    );
  });

  it('MD5', () => {
    expect(digestResponse({ challenge: challenge(rfc7616('MD5')), ...mufasa })).toBe(
      '8ca523f5e9506fed4657c9700eebdbec',
    );
  });

  it('with both offered (one challenge per algorithm, §3.7), the stronger is used', () => {
    const both = challenge(`${rfc7616('MD5')}, ${rfc7616('SHA-256')}`);
    expect(both.algorithm.name).toBe('SHA-256');
  });

  it('RFC 2617 §3.5 (MD5 without algorithm=, as Mongoose and ESPAsyncWebServer send it)', () => {
    const c = challenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    const input = {
      challenge: c,
      username: 'Mufasa',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nc: 1,
      cnonce: '0a4f113b',
    };
    expect(digestResponse(input)).toBe('6629fae49393a05397450978507c4ef1');
    expect(digestAuthorization(input)).not.toContain('algorithm=');
  });

  it('-sess hashes the nonce and cnonce into HA1', () => {
    const plain = challenge(rfc7616('SHA-256'));
    const sess = challenge(rfc7616('SHA-256-sess'));
    expect(sess.algorithm).toMatchObject({ name: 'SHA-256-sess', session: true });
    expect(digestResponse({ challenge: sess, ...mufasa })).not.toBe(digestResponse({ challenge: plain, ...mufasa }));
  });

  it('without qop (RFC 2069 form) sends neither nc nor cnonce', () => {
    const c = challenge('Digest realm="r", nonce="n"');
    expect(c.qop).toBeNull();
    expect(digestAuthorization({ challenge: c, ...mufasa })).not.toMatch(/nc=|cnonce=|qop=/);
  });

  it('quotes what needs quoting in the user name and encodes a non-ASCII one as username*', () => {
    const c = challenge(rfc7616('MD5'));
    expect(digestAuthorization({ challenge: c, ...mufasa, username: 'a"b\\c' })).toContain('username="a\\"b\\\\c"');
    expect(digestAuthorization({ challenge: c, ...mufasa, username: 'Jäsøn' })).toContain(
      "username*=UTF-8''J%C3%A4s%C3%B8n",
    );
  });

  it('one session reuses the nonce with an incrementing nonce count', () => {
    const session = new DigestSession(challenge(rfc7616('SHA-256')));
    const first = session.authorize({ user: 'u', password: 'p' }, 'POST', '/rpc/Sys.GetInfo');
    const second = session.authorize({ user: 'u', password: 'p' }, 'POST', '/update');
    expect(first).toContain('nc=00000001');
    expect(second).toContain('nc=00000002');
    expect(second).toContain(`nonce="${RFC7616_NONCE}"`);
    expect(/cnonce="([^"]+)"/.exec(first)![1]).not.toBe(/cnonce="([^"]+)"/.exec(second)![1]);
  });

  it('refuses what it cannot answer: qop=auth-int only, unknown algorithm, no nonce', () => {
    for (const header of [
      'Digest realm="r", nonce="n", qop="auth-int"',
      'Digest realm="r", nonce="n", algorithm=SHA-1',
      'Digest realm="r"',
    ]) {
      expect(digestChallenge(parseChallenges(header)[0]!)).toBeNull();
    }
  });

  it('reads stale=true and userhash', () => {
    expect(challenge('Digest realm="r", nonce="n", qop="auth", stale=TRUE')).toMatchObject({
      stale: true,
      userhash: false,
    });
    const hashed = challenge('Digest realm="r", nonce="n", qop="auth", userhash=true');
    expect(digestAuthorization({ challenge: hashed, ...mufasa })).toMatch(/username="[0-9a-f]{32}".*userhash=true/);
  });
});

describe('WWW-Authenticate parsing', () => {
  it('reads the challenges the boards send', () => {
    expect(parseChallenges('Digest qop="auth", realm="RPC", nonce="5f0a1b2c", algorithm=MD5')).toEqual([
      { scheme: 'digest', params: { qop: 'auth', realm: 'RPC', nonce: '5f0a1b2c', algorithm: 'MD5' } },
    ]);
    expect(parseChallenges('Basic realm="Login Required"')).toEqual([
      { scheme: 'basic', params: { realm: 'Login Required' } },
    ]);
  });

  it('keeps commas and escaped quotes inside quoted strings, and several challenges apart', () => {
    const [basic, digest, negotiate] = parseChallenges(
      'Basic realm="a, \\"b\\"", Digest realm="x", qop="auth,auth-int", nonce=abc, Negotiate tok68+/==',
    );
    expect(basic).toEqual({ scheme: 'basic', params: { realm: 'a, "b"' } });
    expect(digest?.params).toEqual({ realm: 'x', qop: 'auth,auth-int', nonce: 'abc' });
    expect(negotiate).toEqual({ scheme: 'negotiate', params: {}, token68: 'tok68+/==' });
  });

  it('takes an array of headers (one per line on the wire)', () => {
    expect(parseChallenges(['Basic realm="a"', 'Digest realm="b", nonce="n"']).map((c) => c.scheme)).toEqual([
      'basic',
      'digest',
    ]);
  });

  it('survives hostile headers: unterminated quotes, duplicates, prototype names, huge and binary input', () => {
    expect(parseChallenges('Digest realm="never closed')).toEqual([{ scheme: 'digest', params: {} }]);
    // A repeated parameter voids the challenge (RFC 7235): which realm would be the right one?
    expect(parseChallenges('Digest realm="a", realm="b", nonce="n"')).toEqual([]);
    const proto = parseChallenges('Digest __proto__="x", constructor="y", realm="r", nonce="n"')[0]!;
    expect(proto.params.__proto__).toBe('x');
    expect(Object.getPrototypeOf(proto.params)).toBeNull();
    expect(parseChallenges('Digest realm="' + 'a'.repeat(20_000) + '"')).toEqual([]);
    expect(parseChallenges('\u0000\u001b[2J Digest realm="r"')).toEqual([]);
    expect(parseChallenges('=,=,=,"')).toEqual([]);
    expect(parseChallenges(',,,  ,')).toEqual([]);
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges(Array.from({ length: 100 }, (_, i) => `S${i}`).join(', '))).toHaveLength(16);
  });

  it('parses a long adversarial header in linear time', () => {
    const header = 'Digest ' + 'a=b, '.repeat(1500);
    const start = performance.now();
    parseChallenges(header);
    parseChallenges('"'.repeat(8000));
    parseChallenges('a '.repeat(4000));
    expect(performance.now() - start).toBeLessThan(200);
  });
});
