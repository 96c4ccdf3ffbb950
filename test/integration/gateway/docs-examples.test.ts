import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../../src/config/secrets.js'
import { useGateway } from '../../helpers/gateway-harness.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const startGateway = useGateway()
const tempDir = useTempDir()
const DOC = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8')
const PYTHON = '/usr/bin/python3'
const havePythonWebsockets = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import websockets']).status === 0
if (!havePythonWebsockets) console.warn('SKIPPED the Python example of docs/protocol.md: no python3-websockets')

/** The first fenced block of `lang` after `heading`. */
function example(heading: string, lang: string): string {
  const from = DOC.indexOf(heading)
  const match = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(DOC.slice(from))
  if (from < 0 || !match?.[1]) throw new Error(`no ${lang} example under ${heading}`)
  return match[1]
}

/** A daemon whose demo till's payments are approved and captured shortly after they are made. */
async function demoDaemon() {
  const payments = new MemoryPayments()
  payments.onEvent((tillId, event) => {
    if (event.payment.status !== 'queued') return
    const { key, amount } = event.payment
    setTimeout(() => payments.advance(tillId, key, { status: 'pending' }), 20)
    setTimeout(() => payments.advance(tillId, key, { status: 'captured', captured: amount.value }), 40)
  })
  const tillTokenHashes = new Map([['demo-till', sha256Hex('tillbridge-demo-till-token')]])
  const harness = await startGateway({ payments, tillTokenHashes })
  return { ...harness, payments }
}

describe('the examples in docs/protocol.md', () => {
  it('the TypeScript till takes a payment and acks its events', async () => {
    const { url, payments } = await demoDaemon()
    const source = example('## 7. A complete till in TypeScript', 'ts').replace('ws://127.0.0.1:8787/v1', url)
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    })
    // Inside the repository, so that `ws` resolves from node_modules.
    const dir = join(process.cwd(), 'test-artifacts', `docs-${process.pid}`)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'till.mjs'), js.outputText)
    const { code, out } = await runAsync(process.execPath, ['till.mjs'], dir).finally(() =>
      rmSync(dir, { recursive: true, force: true }),
    )
    expect(out).toMatch(/^connected as demo-till/)
    expect(out).toContain('r1: queued\n')
    expect(out).toMatch(/event 3: sale-\d+ is captured\nclosed 1000\n$/)
    expect(code).toBe(0)
    expect(payments.eventsAfter('demo-till', 0, 10)).toEqual([])
  })

  it.skipIf(!havePythonWebsockets)('the Python till takes a payment and acks its events', async () => {
    const { url, payments } = await demoDaemon()
    const dir = tempDir()
    writeFileSync(
      join(dir, 'till.py'),
      example('## 8. A complete till in Python', 'python').replace('ws://127.0.0.1:8787/v1', url),
    )
    const { code, out } = await runAsync(PYTHON, ['till.py'], dir)
    expect(out).toMatch(/accepted: queued[\s\S]*is captured[\s\S]*final: captured/)
    expect(code).toBe(0)
    expect(payments.eventsAfter('demo-till', 0, 10)).toEqual([])
  })
})

/** spawnSync would block the event loop that serves the daemon under test. */
function runAsync(command: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      out += d
    })
    const timer = setTimeout(() => child.kill(), 15_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}
