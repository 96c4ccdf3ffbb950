import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { sha256Hex } from '../../../src/config/secrets.js'
import { type DaemonProcess, startDaemon } from '../../helpers/daemon-process.js'
import { freePort } from '../../helpers/free-port.js'
import { parsePrometheusText } from '../../helpers/prometheus-text.js'
import { RawTill } from '../../helpers/raw-till.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const TILL = 'log-sink-till-token-0123456789'
const ADMIN = 'log-sink-admin-token-0123456789'
const daemons: DaemonProcess[] = []
afterEach(async () => {
  for (const d of daemons.splice(0)) {
    d.child.kill('SIGKILL')
    await d.exited
  }
})

describe('a broken log sink', () => {
  it('never stops the daemon: after EPIPE on stdout it keeps serving and counts the lost lines', async () => {
    const dir = tempDir()
    const [gatewayPort, adminPort] = [await freePort(), await freePort()]
    const config = join(dir, 'config.json')
    writeFileSync(
      config,
      JSON.stringify({
        journal: { path: join(dir, 'j.db') },
        gateway: { port: gatewayPort, tills: [{ id: 'till-1', tokenSha256: sha256Hex(TILL) }] },
        provider: { kind: 'simulator' },
        admin: { port: adminPort, tokenSha256: sha256Hex(ADMIN) },
      }),
    )
    const daemon = startDaemon(['run', '--config', config])
    daemons.push(daemon)
    await daemon.waitForLine((l) => l.message === 'ready')
    // The log's reader dies: every write to stdout from now on fails with EPIPE.
    daemon.child.stdout?.destroy()
    const url = `ws://127.0.0.1:${gatewayPort}/v1`
    for (let i = 0; i < 5; i++) {
      const till = await RawTill.hello(url, { token: TILL })
      expect(await till.request({ type: 'payment.get', id: `g${i}`, key: 'none' })).toMatchObject({ code: 'NOT_FOUND' })
      till.close()
      await till.closed
    }
    const metrics = await fetch(`http://127.0.0.1:${adminPort}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    })
    expect(metrics.status).toBe(200)
    const lost = parsePrometheusText(await metrics.text()).find((s) => s.name === 'tillbridge_log_lines_lost_total')
    expect(lost?.value).toBeGreaterThanOrEqual(5)
    expect(daemon.child.exitCode).toBeNull()
  })
})
