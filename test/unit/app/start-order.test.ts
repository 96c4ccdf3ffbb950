import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createContext } from '../../../src/app/context.js'
import { configSchema } from '../../../src/config/schema.js'
import { loadSecrets } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'

// READY=1 is sent by the systemd component's start(), and STOPPING=1 by its stop(); what makes
// both true is the order of components. Nothing is started here, only built.
describe('component order', () => {
  const config = configSchema.parse({ journal: { path: join('/nonexistent', 'j.db') } })
  const context = createContext(config, loadSecrets(config, {}), { log: createSilentLogger() })
  const names = context.components.map((c) => c.name)
  const at = (name: string) => {
    const i = names.indexOf(name)
    expect(i, `${name} in ${names.join(', ')}`).toBeGreaterThanOrEqual(0)
    return i
  }

  it('opens the journal before the engine, the engine before the gateway, and sends READY=1 last', () => {
    expect(at('simulator')).toBeLessThan(at('journal'))
    expect(at('journal-lock')).toBeLessThan(at('journal')) // a second daemon must not even migrate it
    expect(at('journal')).toBeLessThan(at('payments'))
    expect(at('payments')).toBeLessThan(at('gateway'))
    expect(at('systemd')).toBe(names.length - 1)
  })
})
