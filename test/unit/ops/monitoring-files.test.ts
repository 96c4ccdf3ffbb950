import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { alertRules, dashboard } from '../../helpers/monitoring-files.js'

const OPERATIONS = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8')
const HEADINGS = new Set([...OPERATIONS.matchAll(/^### (\w+)$/gm)].map((m) => (m[1] as string).toLowerCase()))

describe('monitoring/tillbridge.rules.yml', () => {
  const rules = alertRules()

  it('covers what a chain must be woken or ticketed for', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'TillbridgeDown',
        'TillbridgeProviderUnreachable',
        'TillbridgeAccessTokenExpiring',
        'TillbridgePaymentStuck',
        'TillbridgeUnackedEventsPilingUp',
        'TillbridgePaymentNeedsAttention',
        'TillbridgeWalGrowing',
        'TillbridgeJournalGrowing',
        'TillbridgeDiskLow',
        'TillbridgeEventLoopDelayHigh',
      ]),
    )
  })

  it.each(rules.map((r) => [r.alert, r] as const))(
    '%s has a severity, a summary and a runbook in docs/operations.md',
    (_, rule) => {
      expect(['page', 'ticket']).toContain(rule.labels?.severity)
      expect(rule.annotations?.summary).toMatch(/\{\{ \$labels\.store \}\}/)
      const anchor = /^docs\/operations\.md#(\w+)$/.exec(rule.annotations?.runbook_url ?? '')?.[1]
      expect(anchor, rule.annotations?.runbook_url).toBeDefined()
      expect(HEADINGS).toContain(anchor)
    },
  )
})

describe('monitoring/grafana-dashboard.json', () => {
  const d = dashboard()

  it('has store and instance variables, and every panel query honours both', () => {
    expect(d.templating.list.map((v) => v.name)).toEqual(['datasource', 'store', 'instance'])
    for (const p of d.panels) {
      for (const t of p.targets) expect(t.expr, p.title).toContain('{store=~"$store", instance=~"$instance"}')
    }
  })

  it('shows payments by status, Vipps latency and outcomes, tills, event-loop delay and journal size', () => {
    const all = d.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n')
    for (const metric of [
      'tillbridge_payments ',
      'tillbridge_provider_call_seconds_bucket',
      'tillbridge_provider_calls_total',
      'tillbridge_tills_connected',
      'tillbridge_event_loop_delay_seconds',
      'tillbridge_journal_bytes',
    ]) {
      expect(all).toContain(metric)
    }
  })
})
