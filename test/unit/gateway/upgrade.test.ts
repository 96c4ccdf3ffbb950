import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../../src/config/secrets.js'
import { bearerToken, TillAuthenticator } from '../../../src/gateway/auth.js'
import { decideUpgrade, normaliseOrigin } from '../../../src/gateway/upgrade.js'

const auth = new TillAuthenticator(
  new Map([
    ['till-1', sha256Hex('token-one')],
    ['till-2', sha256Hex('token-two')],
  ]),
)
const policy = { path: '/v1', allowedOrigins: new Set(['https://till-ui.example']), auth }
const open = { stopping: false }
const request = (headers: Record<string, string> = {}, url = '/v1') => ({ url, headers })

describe('TillAuthenticator', () => {
  it('finds the till of a token and nothing for any other string', () => {
    expect(auth.authenticate('token-one')).toBe('till-1')
    expect(auth.authenticate('token-two')).toBe('till-2')
    for (const wrong of ['', 'token-on', 'token-one ', 'TOKEN-ONE', sha256Hex('token-one')]) {
      expect(auth.authenticate(wrong)).toBeUndefined()
    }
  })
})

describe('bearerToken', () => {
  it('reads Bearer tokens and tells a missing header from a malformed one', () => {
    expect(bearerToken(undefined)).toBeUndefined()
    expect(bearerToken('Bearer abc')).toBe('abc')
    expect(bearerToken('bearer abc')).toBe('abc')
    for (const bad of ['', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b']) expect(bearerToken(bad)).toBeNull()
  })
})

describe('decideUpgrade', () => {
  it('accepts a native till without a header (it will authenticate with hello)', () => {
    expect(decideUpgrade(request(), policy, open)).toEqual({ accept: true, tillId: undefined })
  })

  it('accepts a good bearer token and names the till', () => {
    expect(decideUpgrade(request({ authorization: 'Bearer token-two' }), policy, open)).toEqual({
      accept: true,
      tillId: 'till-2',
    })
  })

  it.each([
    [{ authorization: 'Bearer wrong' }, '/v1', open, 401],
    [{ authorization: 'Basic dXNlcjpwdw==' }, '/v1', open, 401],
    [{ origin: 'https://evil.example' }, '/v1', open, 403],
    [{ origin: 'https://evil.example', authorization: 'Bearer token-one' }, '/v1', open, 403],
    [{ origin: 'null' }, '/v1', open, 403],
    [{}, '/v2', open, 404],
    [{}, '/v1/', open, 404],
    [{ authorization: 'Bearer token-one' }, '/v1', { stopping: true }, 503],
  ])('refuses %j at %s with %#: HTTP %s', (headers, url, state, status) => {
    expect(decideUpgrade(request(headers, url), policy, state)).toMatchObject({ accept: false, status })
  })

  it('compares origins exactly after normalising, never by substring', () => {
    const allowed = (origin: string) => decideUpgrade(request({ origin }), policy, open).accept
    expect(allowed('https://till-ui.example')).toBe(true)
    expect(allowed('https://TILL-UI.example:443')).toBe(true)
    expect(allowed('https://till-ui.example.evil.com')).toBe(false)
    expect(allowed('http://till-ui.example')).toBe(false)
    expect(allowed('https://till-ui.example:8443')).toBe(false)
    expect(normaliseOrigin('not a url')).toBe('not a url')
  })

  it('ignores a token in the query string', () => {
    expect(decideUpgrade(request({}, '/v1?token=token-one'), policy, open)).toEqual({ accept: true, tillId: undefined })
  })
})
