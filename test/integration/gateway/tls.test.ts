import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { TOKENS, useGateway } from '../../helpers/gateway-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const startGateway = useGateway()
const tempDir = useTempDir()

describe('gateway over TLS', () => {
  it('serves wss:// with the configured certificate', async () => {
    const dir = tempDir()
    const certFile = join(dir, 'cert.pem')
    const keyFile = join(dir, 'key.pem')
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    )
    const { gateway, port } = await startGateway({ gateway: { tls: { certFile, keyFile } } })
    expect(gateway.listening()[0]?.url).toBe(`wss://127.0.0.1:${port}/v1`)
    const ws = new WebSocket(`wss://127.0.0.1:${port}/v1`, {
      ca: readFileSync(certFile),
      headers: { Authorization: `Bearer ${TOKENS['till-a']}` },
    })
    const welcome = await new Promise<unknown>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello' })))
      ws.on('message', (data) => resolve(JSON.parse(String(data))))
      ws.on('error', reject)
    })
    expect(welcome).toMatchObject({ type: 'welcome', tillId: 'till-a' })
    ws.close()
  })
})
