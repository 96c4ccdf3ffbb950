import type { BenchResults, Figure } from './results.js'

/**
 * For each missed target, where the remaining time or memory goes, written from figures of the
 * same run (never typed by hand): BENCHMARKS.md's "Missed targets" section. A missed target
 * without an explainer here says so, loudly.
 */
type Explainer = (r: BenchResults, missed: Figure) => string

function find(r: BenchResults, section: string, label: string): Figure | undefined {
  return r.sections.find((s) => s.id === section)?.figures.find((f) => f.label.startsWith(label))
}

const ms = (f: Figure | undefined) => (f ? `${f.value} ms` : 'not measured')
const num = (f: Figure | undefined) => f?.value ?? Number.NaN
const fixed = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'not measured')

/** One fsync's time on this disk, from the accepts stage's raw rates. */
function fsyncMs(r: BenchResults): { page: number; accept: number; pages: string } {
  const single = find(r, 'accepts', 'accepts/s, 1 till at a time')
  const sized = find(r, 'accepts', "ratio to the fsync rate of an accept's own size")
  return {
    page: 1000 / num(single?.baseline),
    accept: 1000 / num(sized?.baseline),
    pages: sized?.baseline?.label.match(/\(([\d.]+) pages\)/)?.[1] ?? '?',
  }
}

function latency(p: 50 | 99): Explainer {
  return (r, missed) => {
    const gap = (label: string) => find(r, 'waterfall', `${label}, p${p}`)
    const whole = find(r, 'waterfall', `whole sale in the daemon${p === 50 ? ' (frame parsed' : ', p99'}`)
    const own = find(r, 'waterfall', `the daemon's own time (whole minus the Vipps call), p${p}`)
    const call = gap('request → answer (the Vipps call)')
    const f = fsyncMs(r)
    return (
      `p${p} added ${missed.value} ms. This run's waterfall (one till, one sale at a time, stamps inside the ` +
      `daemon) puts the whole sale at ${ms(whole)} p${p}, the daemon's own part at ${ms(own)}: the accept's ` +
      `COMMIT ${ms(gap('frame parsed → accept committed'))} (fsync included), the result's COMMIT ` +
      `${ms(gap('answer → result committed'))}, the \`pending\` event to the socket ` +
      `${ms(gap('result committed → `pending` written to the socket'))}; the Vipps call took ${ms(call)} ` +
      `against ${call?.baseline ? `${call.baseline.value} ms` : 'not measured'} for the same create sent straight ` +
      `to the simulator. The floor is the two COMMITs the promise needs (the accept before the till's \`result\`, ` +
      `the result before the \`pending\` event): one fsync of an accept's ${f.pages} WAL pages takes ` +
      `${fixed(f.accept)} ms on this disk, a 4 KiB one ${fixed(f.page)} ms, so about ${fixed(f.accept + f.page)} ms ` +
      'of any sale is the disk, before a line of code runs; the rest is the event loop turn of the group ' +
      'commit, two WebSocket hops, and the Vipps client.'
    )
  }
}

const EXPLAINERS: Record<string, Explainer> = {
  addedP50: latency(50),
  addedP99: latency(99),
  acceptsSingleRatio: (r, missed) => {
    const single = find(r, 'accepts', 'accepts/s, 1 till at a time')
    const sized = find(r, 'accepts', "ratio to the fsync rate of an accept's own size")
    const f = fsyncMs(r)
    const perAccept = 1000 / num(single)
    return (
      `${missed.value} × of the 4 KiB fsync rate. One till at a time waits for each accept's COMMIT, so ` +
      `one accept can never beat one fsync, and an accept's fsync carries ${f.pages} WAL pages (the payment ` +
      'row and its indexes, the create operation and its indexes, the timeline, the mailbox), not one: ' +
      `an fsync of that size takes ${fixed(f.accept)} ms here against ${fixed(f.page)} ms for 4 KiB. Against ` +
      `that accept-sized fsync the ratio is ${sized?.value ?? 'not measured'} ×. Each accept took ` +
      `${fixed(perAccept, 3)} ms: ${fixed(f.accept, 3)} ms of disk and ${fixed(perAccept - f.accept, 3)} ms ` +
      "of the engine's code (validation, the statements, the event-loop turn that lets concurrent " +
      'accepts share one fsync). With concurrent tills the group commit shares one fsync among many.'
    )
  },
}

export function explainMisses(r: BenchResults): string[] {
  const missed = r.sections.flatMap((s) => s.figures.filter((f) => f.target && !f.target.met).map((f) => ({ s, f })))
  if (missed.length === 0) return []
  const lines = ['## Missed targets: where the rest goes', '']
  for (const { s, f } of missed) {
    const id = f.target?.id
    const explain = id === undefined ? undefined : EXPLAINERS[id]
    const text = explain
      ? explain(r, f)
      : '**NO BREAKDOWN**: bench/lib/explain.ts has no explainer for this target; the miss is unexplained.'
    lines.push(`- **${s.title}, ${f.label}** (target ${f.target?.text}): ${text}`, '')
  }
  return lines
}
