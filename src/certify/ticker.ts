import type { Clock, TimerHandle } from '../shared/clock.js'

const EVERY_MS = 5000

/**
 * While flows wait on Vipps (polls start 5 s after each create), says every few seconds which
 * are still running, so a quiet terminal never looks hung. Stopped by the returned function.
 */
export function startTicker(
  clock: Clock,
  running: () => readonly string[],
  progress: (line: string) => void,
): () => void {
  const began = clock.monotonic()
  let timer: TimerHandle | undefined
  const tick = () => {
    const ids = running()
    if (ids.length > 0) {
      const seconds = Math.round((clock.monotonic() - began) / 1000)
      progress(`…      waiting ${seconds} s for ${ids.length} flow(s): ${ids.join(', ')}`)
    }
    timer = clock.setTimeout(tick, EVERY_MS)
    timer.unref()
  }
  timer = clock.setTimeout(tick, EVERY_MS)
  timer.unref()
  return () => {
    if (timer) clock.clearTimeout(timer)
  }
}
