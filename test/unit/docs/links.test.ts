import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Every relative link of the README and docs/ must lead somewhere: the README was split into
// docs/ and other pages link to its files and headings, so a moved section must not leave a
// dead link behind. Anchors are checked against GitHub's heading slugs.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...(existsSync(join(ROOT, 'monitoring/README.md')) ? ['monitoring/README.md'] : []),
]

/** The text outside fenced code blocks and inline code, where links are links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '')
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-')
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  for (const m of prose(readFileSync(file, 'utf8')).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(m[1] as string)
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

function links(file: string): string[] {
  const text = prose(readFileSync(join(ROOT, file), 'utf8'))
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] as string)
}

describe('links in README.md and docs/', () => {
  it('finds the documents and their links', () => {
    expect(DOCS).toContain('docs/operations.md')
    expect(links('README.md').length).toBeGreaterThan(10)
  })

  it('slugs headings as GitHub does', () => {
    expect(slug('Support: payments list and show')).toBe('support-payments-list-and-show')
    expect(slug('`tillbridge doctor`')).toBe('tillbridge-doctor')
    expect(slug('2. hello → welcome')).toBe('2-hello--welcome')
  })

  it.each(DOCS)('every relative link of %s resolves, anchors included', (doc) => {
    const broken: string[] = []
    for (const link of links(doc)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue // http:, https:, mailto:, file:
      const [path = '', anchor] = link.split('#')
      const target = path === '' ? join(ROOT, doc) : resolve(ROOT, dirname(doc), path)
      if (!existsSync(target)) {
        broken.push(`${link} (no ${relative(ROOT, target)})`)
        continue
      }
      if (anchor && target.endsWith('.md') && statSync(target).isFile() && !anchors(target).has(anchor)) {
        broken.push(`${link} (no heading #${anchor} in ${relative(ROOT, target)})`)
      }
    }
    expect(broken).toEqual([])
  })
})
