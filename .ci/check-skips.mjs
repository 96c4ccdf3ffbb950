// Fails when a vitest JSON report has a skipped (or todo) test that is not on .ci/allowed-skips.txt.
// Usage: node .ci/check-skips.mjs REPORT.json [REPORT.json ...]
import { readFileSync } from 'node:fs'

const allowed = new Map()
for (const line of readFileSync(new URL('./allowed-skips.txt', import.meta.url), 'utf8').split('\n')) {
  if (line.trim() === '' || line.startsWith('#')) continue
  const [name, reason] = line.split(' | ')
  if (!name || !reason?.trim()) throw new Error(`.ci/allowed-skips.txt: "${line}" needs "full test name | reason"`)
  allowed.set(name.trim(), reason.trim())
}

let bad = 0
let ok = 0
for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, 'utf8'))
  for (const suite of report.testResults) {
    for (const t of suite.assertionResults) {
      if (!['skipped', 'pending', 'todo', 'disabled'].includes(t.status)) continue
      const name = t.fullName ?? [...t.ancestorTitles, t.title].join(' ')
      const where = suite.name.replace(`${process.cwd()}/`, '')
      if (allowed.has(name)) {
        console.log(`skipped (allowed: ${allowed.get(name)}): ${where} > ${name}`)
        ok++
      } else {
        console.log(`SKIPPED, NOT ALLOWED: ${where} > ${name}`)
        bad++
      }
    }
  }
}
console.log(`skipped tests: ${ok} allowed, ${bad} not allowed (.ci/allowed-skips.txt)`)
if (bad > 0) {
  console.log(`${bad} skipped test(s) not on .ci/allowed-skips.txt: make them run in CI, or list them with a reason`)
  process.exit(1)
}
