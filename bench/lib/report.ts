import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { Machine } from './machine.js'

/**
 * One figure the issue asks for, against its target.
 */
export type Figure = {
  figure: string
  value: string
  target: string
  /**
   * null: a figure without a target (shown for contrast).
   */
  met: boolean | null
}

export type Section = {
  id: string
  title: string
  figures: Figure[]
  markdown: string
}

export type BenchContext = {
  runs: number
  machine: Machine
  log: (line: string) => void
}

const START = (id: string) => `<!-- bench:${id}:start -->`
const END = (id: string) => `<!-- bench:${id}:end -->`
const FIGURES = /<!-- figures: (.*?) -->/s

/**
 * The order of the sections in docs/performance.md.
 */
export const SECTION_ORDER = [
  'ingest',
  'agent',
  'prompt',
  'inbox',
  'live',
  'memory',
  'big-media',
  'photos',
  'voice',
  'paint',
]

/**
 * Writes docs/performance.md: the sections measured in this run replace
 * their earlier versions, the others (a run with --only) are kept; the
 * summary table is rebuilt from every section's figures.
 */
export function writeReport(path: string, header: string, machineText: string, fresh: Section[]) {
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : ''
  const sections = new Map<string, { markdown: string; figures: Figure[]; title: string }>()
  for (const id of SECTION_ORDER) {
    const block = between(previous, START(id), END(id))
    if (!block) continue
    const figures = FIGURES.exec(block)
    sections.set(id, {
      markdown: block,
      figures: figures ? JSON.parse(figures[1]) : [],
      title: /^## (.*)$/m.exec(block)?.[1] ?? id,
    })
  }
  for (const section of fresh) {
    const block = [
      `<!-- figures: ${JSON.stringify(section.figures)} -->`,
      `## ${section.title}`,
      '',
      section.markdown.trim(),
    ].join('\n')
    sections.set(section.id, { markdown: block, figures: section.figures, title: section.title })
  }

  const summary = ['| # | Figure | Measured | Target | |', '| --- | --- | --- | --- | --- |']
  let number = 0
  for (const id of SECTION_ORDER) {
    const section = sections.get(id)
    if (!section) continue
    number += 1
    for (const figure of section.figures) {
      const verdict = figure.met === null ? '' : figure.met ? '✓ met' : '✗ missed'
      summary.push(
        `| ${number} | ${figure.figure} | ${figure.value} | ${figure.target} | ${verdict} |`
      )
    }
  }

  const body = [
    header.trim(),
    '',
    '## Summary',
    '',
    summary.join('\n'),
    '',
    machineText.trim(),
    '',
    ...SECTION_ORDER.filter((id) => sections.has(id)).flatMap((id) => [
      START(id),
      sections.get(id)!.markdown.trim(),
      END(id),
      '',
    ]),
  ].join('\n')
  writeFileSync(path, body)
}

function between(text: string, start: string, end: string) {
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from === -1 || to === -1 || to < from) return null
  return text.slice(from + start.length, to).trim()
}

export function machineMarkdown(machine: Machine) {
  const settings = Object.entries(machine.postgresSettings)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ')
  return [
    '## Machine',
    '',
    `- ${machine.nproc} vCPUs (\`nproc\`), ${machine.cpu}, ${machine.ramGb} GB of RAM, Linux ${machine.kernel}; shared with other engineers' test runs`,
    `- Node.js ${machine.node}; PostgreSQL ${machine.postgres} on 127.0.0.1 (${settings})`,
    `- The production build (\`node ace build\`, run from \`build/\`); each section ends with when, at which commit and under which load it was measured`,
  ].join('\n')
}
