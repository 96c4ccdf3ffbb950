import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

const MONITORING = new URL('../../monitoring/', import.meta.url)

export interface AlertRule {
  alert: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

export function alertRules(): AlertRule[] {
  const doc = parse(readFileSync(new URL('tillbridge.rules.yml', MONITORING), 'utf8')) as {
    groups: Array<{ rules: AlertRule[] }>
  }
  return doc.groups.flatMap((g) => g.rules)
}

export interface Dashboard {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>
  templating: { list: Array<{ name: string; query: unknown; definition?: string }> }
}

export function dashboard(): Dashboard {
  return JSON.parse(readFileSync(new URL('grafana-dashboard.json', MONITORING), 'utf8')) as Dashboard
}

/** Every PromQL expression of the rules and the dashboard (panels and variable queries). */
export function monitoringExpressions(): string[] {
  const d = dashboard()
  return [
    ...alertRules().map((r) => r.expr),
    ...d.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ...d.templating.list.flatMap((v) => (v.definition ? [v.definition] : [])),
  ]
}

/**
 * The metric names those expressions read. Ours all start with `tillbridge_`; `up` is the one
 * Prometheus makes itself per scrape target, so no daemon exports it.
 */
export function metricNames(): { ours: string[]; prometheus: string[] } {
  const names = new Set<string>()
  for (const expr of monitoringExpressions()) {
    for (const m of expr.matchAll(/\b(tillbridge_[a-z0-9_]+)\b/g)) names.add(m[1] as string)
  }
  const prometheus = monitoringExpressions().some((e) => /\bup\{/.test(e)) ? ['up'] : []
  return { ours: [...names].sort(), prometheus }
}
