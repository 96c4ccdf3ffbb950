/**
 * A strict reader of the Prometheus text exposition format (0.0.4), enough to prove that
 * /metrics parses: every line is a comment (# HELP / # TYPE) or `name{labels} value`.
 */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)( -?\d+)?$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = []
  text.split('\n').forEach((line, i) => {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) return
    const m = SAMPLE.exec(line)
    if (!m) throw new Error(`line ${i + 1} is not Prometheus text: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[3] ?? '').matchAll(LABEL)) labels[l[1] ?? ''] = l[2] ?? ''
    samples.push({ name: m[1] ?? '', labels, value: Number(m[4]) })
  })
  return samples
}
