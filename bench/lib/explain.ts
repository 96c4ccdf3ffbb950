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

/** How much of the Vipps call's excess over its direct baseline is the client's own code. */
function clientShare(r: BenchResults, p: 50 | 99, call: Figure | undefined): string {
  const client = find(r, 'client', `create through the Vipps client, p${p}`)
  if (!client?.baseline || !call?.baseline) return 'The client stage did not run: the Vipps call is not split.'
  const own = client.value - client.baseline.value
  const excess = call.value - call.baseline.value
  return (
    `Of the call's ${fixed(excess)} ms over its direct baseline, the client's own code (token, timers, ` +
    `retries, parsing) is ${fixed(own)} ms (the client stage: ${client.value} against ${client.baseline.value} ms ` +
    `with plain fetch); the other ${fixed(excess - own)} ms is the daemon's loop finishing the sale's other work ` +
    "of the same turn (the till's `result` frame, the COMMIT's effects) around the request."
  )
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
      'commit, two WebSocket hops, and the Vipps call. ' +
      clientShare(r, p, call)
    )
  }
}

const mb = (f: Figure | undefined) => (f ? `${f.value} MB` : 'not measured')

/** The dependencies that weigh most when imported alone into a bare node, heaviest first. */
function heaviestImports(r: BenchResults, n: number): string {
  const floor = r.sections.find((s) => s.id === 'footprint-floor')
  const base = floor?.figures[0]?.value ?? Number.NaN
  const deps = (floor?.figures ?? [])
    .filter((f) => f.label.startsWith('after importing') && !f.label.includes("all of run's modules"))
    .map((f) => ({ name: f.label.replace(/^after importing (.*?) \(\d+ ms\)$/, '$1'), added: f.value - base }))
    .sort((a, b) => b.added - a.added)
    .slice(0, n)
  return deps.length ? deps.map((d) => `${d.name} +${fixed(d.added, 1)} MB`).join(', ') : 'not measured'
}

const EXPLAINERS: Record<string, Explainer> = {
  rssIdle: (r, missed) => {
    const idle = (label: string) => find(r, 'footprint-idle', label)
    const floor = find(r, 'footprint-floor', '`node -e` idle (the floor)')
    const all = find(r, 'footprint-floor', "after importing all of run's modules")
    const file = idle('RSS file-backed')
    const anon = idle('RSS anonymous')
    return (
      `${missed.value} MB idle. A bare node with the same flags is ${mb(floor)} before any code of ours ` +
      `(file-backed ${file?.baseline ? `${file.baseline.value} MB` : 'not measured'}: the node binary's own ` +
      `pages). The daemon's RSS splits into ${mb(file)} file-backed and ${mb(anon)} anonymous, of which the ` +
      `V8 heap uses ${mb(idle('V8 heap used'))} and code and bytecode ${mb(idle('code and bytecode'))}. ` +
      `Importing all of run's modules into a bare node gives ${mb(all)}; alone, the heaviest are ` +
      `${heaviestImports(r, 4)}. What is left to cut is the libraries run needs (validation, logging, ` +
      'metrics, SQLite, WebSocket): below the target means replacing them, not configuring them.'
    )
  },
  rssPaying: (r, missed) => {
    const paying = (label: string) => find(r, 'footprint-paying', label)
    const perTill = paying('RSS per connected till')
    return (
      `${missed.value} MB with 501 tills paying. The footprint stage's life with the same load: ` +
      `${mb(paying('RSS'))} (idle ${paying('RSS')?.baseline?.value ?? '?'} MB), each connected till ` +
      `${perTill ? `${perTill.value} KB` : 'not measured'} before paying; V8 heap used ${mb(paying('V8 heap used'))}, ` +
      `array buffers ${mb(paying('array buffers'))}, outside the V8 heap ` +
      `${mb(paying('RSS outside the V8 heap'))}. The idle daemon is most of it (see the idle target).`
    )
  },
  startupEmptyMs: (r, missed) => {
    const phase = (label: string) => find(r, 'footprint-startup', label)
    const bare = find(r, 'startup', 'to ready with an empty journal')?.baseline
    const modules = phase("loading run's modules")
    return (
      `${missed.value} ms to ready. A bare node takes ${bare ? `${bare.value} ms` : 'not measured'} from spawn ` +
      `to its first line. By the daemon's own marks: node start ${ms(phase('node start to first line'))}, ` +
      `loading run's modules ${ms(modules)} (the same import in a bare node ` +
      `${modules?.baseline ? `${modules.baseline.value} ms` : 'not measured'}), config ${ms(phase('config and secrets'))}, ` +
      `composition ${ms(phase('components built'))}, journal ${ms(phase('journal lock'))}, engine and Vipps ` +
      `clients ${ms(phase('Vipps clients, engine'))}, gateway ${ms(phase('gateway listening'))}. Module loading ` +
      "is Node's module loader reading and compiling several hundred files; only bundling run into one file " +
      'or a start-up snapshot would shorten it.'
    )
  },
  startupMs: (r, missed) => {
    const s = r.sections.find((x) => x.id === 'startup')
    const phases = (s?.figures ?? [])
      .filter((f) => f.baseline?.label === 'empty journal' && !f.label.startsWith('to ready'))
      .map((f) => ({ label: f.label.replace(/, [\d,]+ payments$/, ''), extra: f.value - (f.baseline?.value ?? 0) }))
      .sort((a, b) => b.extra - a.extra)
    const empty = find(r, 'startup', 'to ready with an empty journal')
    const top = phases[0]
    return (
      `${missed.value} ms to ready, against ${ms(empty)} with an empty journal. ` +
      (top ? `The phase that grows most with the payments: ${top.label}, +${fixed(top.extra, 1)} ms. ` : '') +
      "The worker's start looks for payments an earlier run left in flight with two queries over the payments " +
      'and operations tables; with an empty journal the start misses its own target first (see above).'
    )
  },
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
