import { existsSync, readFileSync } from 'node:fs'

/**
 * The package version, read once from the nearest package.json above this file: dist/shared/ in
 * the daemon, dist-bench/src/shared/ when the benchmarks and the chaos run compile src/ again.
 */
function readVersion(): string {
  let dir = new URL('./', import.meta.url)
  for (let depth = 0; depth < 6; depth++) {
    const file = new URL('package.json', dir)
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
    dir = new URL('../', dir)
  }
  throw new Error(`no package.json above ${import.meta.url}`)
}

export const VERSION: string = readVersion()
