/**
 * A CPU profile of the create benchmark: the daemon runs under `node --cpu-prof` while one till
 * sells push payments one after another; its profile (written when it stops) is summarised here,
 * never by hand: the functions with the most self time, and the self time by where the code lives
 * (the project, each npm package, Node.js itself, the garbage collector, idle).
 *
 *   npm run bench -- --only profile
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startBenchDaemon } from './lib/daemon.js'
import type { BenchSection, Figure } from './lib/results.js'
import { round } from './lib/results.js'
import { NO_POLLS_DURING_RUN, sellOneByOne } from './lib/sell.js'

const SALES = Math.max(1000, Number(process.env.BENCH_PROFILE_SALES ?? 1000))
const TOP = 15

export async function benchProfile(dir: string): Promise<BenchSection[]> {
  // --cpu-prof is not allowed in NODE_OPTIONS: a shell that execs node with it.
  const wrapper = ['/bin/sh', '-c', `exec "$0" --cpu-prof --cpu-prof-dir='${dir}' "$@"`]
  const bench = await startBenchDaemon({ dir, tills: 1, wrapper, payments: NO_POLLS_DURING_RUN })
  try {
    await sellOneByOne(bench, SALES)
  } finally {
    await bench.stop()
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
  if (!file) throw new Error(`node --cpu-prof wrote no profile in ${dir}`)
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile
  return summariseProfile(profile, SALES)
}

/** The parts of a .cpuprofile (Chrome DevTools' Profile) this summary reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>
  samples: number[]
  timeDeltas: number[]
}

/** Self time per function and per place; exported for its unit test. */
export function summariseProfile(profile: CpuProfile, sales: number): BenchSection[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]))
  const selfUs = new Map<string, number>()
  const placeUs = new Map<string, number>()
  let totalUs = 0
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0
    const frame = byNode.get(id)
    if (!frame) return
    totalUs += us
    const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`
    selfUs.set(name, (selfUs.get(name) ?? 0) + us)
    const place = placeOf(frame)
    placeUs.set(place, (placeUs.get(place) ?? 0) + us)
  })
  const share = (us: number): Figure['unit'] => `% (${round(us / 1000, 0)} ms)`
  const rows = (m: Map<string, number>, n: number): Figure[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([label, us]) => ({ label: `\`${label.trim()}\``, value: round((100 * us) / totalUs, 1), unit: share(us) }))
  const busyUs = totalUs - (placeUs.get('(idle)') ?? 0)
  const method =
    `The daemon under \`node --cpu-prof\` while one till sells ${sales} push payments one after another (the create ` +
    `benchmark's workload); ${round(totalUs / 1e6, 1)} s profiled, ${round(busyUs / 1e6, 1)} s of it busy ` +
    `(${round(busyUs / 1000 / sales, 2)} ms of CPU per sale). Self time, as a share of the whole profile.`
  return [
    { id: 'profile-places', title: 'CPU profile: where the code lives', method, figures: rows(placeUs, 12) },
    { id: 'profile-top', title: 'CPU profile: top functions by self time', method, figures: rows(selfUs, TOP) },
  ]
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length)
  const dist = url.lastIndexOf('/dist/')
  if (dist >= 0) return url.slice(dist + 1)
  return url
}

/** The project, an npm package, Node.js, or V8's own entries ((garbage collector), (idle), …). */
function placeOf(frame: { functionName: string; url: string }): string {
  const { url, functionName } = frame
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const [first, second] = url.slice(nm + 'node_modules/'.length).split('/')
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? url)
  }
  if (url.startsWith('node:')) return 'Node.js'
  if (url.includes('/dist/')) return `tillbridge ${url.slice(url.lastIndexOf('/dist/') + 6).split('/')[0]}/`
  return url
}
