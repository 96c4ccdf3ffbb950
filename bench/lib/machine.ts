import { spawnSync } from 'node:child_process'
import { cpus, release, totalmem, type } from 'node:os'
import type { Machine } from './results.js'

/** The machine the figures were measured on, as BENCHMARKS.md states it. */
export function describeMachine(dir: string): Machine {
  const cores = cpus()
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${type()} ${release()}`,
    disk: describeDisk(dir),
  }
}

/** "ext4 on /dev/vda (rotational)" from df and lsblk, or "unknown" where they are missing. */
function describeDisk(dir: string): string {
  const df = spawnSync('df', ['-PT', dir], { encoding: 'utf8' })
  const fields = df.status === 0 ? (df.stdout.trim().split('\n')[1] ?? '').split(/\s+/) : []
  const [device, fstype] = fields
  if (!device || !fstype) return 'unknown'
  const lsblk = spawnSync('lsblk', ['-dno', 'ROTA,MODEL', device], { encoding: 'utf8' })
  const [rota, ...model] = lsblk.status === 0 ? lsblk.stdout.trim().split(/\s+/) : []
  const kind = rota === '1' ? 'rotational or virtual' : rota === '0' ? 'solid-state' : undefined
  const details = [model.join(' '), kind].filter((s) => s).join(', ')
  return `${fstype} on ${device}${details ? ` (${details})` : ''}`
}
