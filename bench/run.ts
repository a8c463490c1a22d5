/**
 * `npm run bench`: Atiende's benchmarks against the production build on
 * 127.0.0.1 and the machine's PostgreSQL, written to docs/performance.md.
 *
 *   npm run bench                       # everything (about 12 minutes)
 *   npm run bench -- --only ingest      # one or more: ingest,agent,prompt,inbox,live,media,photos,voice,paint
 *   npm run bench -- --runs 5           # runs per figure (default 3)
 *   npm run bench -- --reseed           # fill the inbox database again
 *   npm run bench -- --no-build         # reuse build/ as it is
 *   npm run bench -- --profile tmp/prof # web process under --cpu-prof/--heap-prof (ingest)
 *
 * It builds the app (`node ace build`), creates its own databases
 * (atiende_bench, and atiende_bench_inbox, kept between runs because
 * seeding it takes a minute), starts the app's processes and the fakes
 * of the WhatsApp gateway and the model, and stops every process it
 * started when it ends or is interrupted. Timing claims live in the
 * document, never in tests.
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchAgent } from './agent.js'
import { benchBigMedia } from './big_media.js'
import { benchInbox } from './inbox_http.js'
import { benchIngest } from './ingest.js'
import { benchLive } from './live.js'
import { benchVoiceNotes } from './voice_notes.js'
import { benchPhotos } from './photo_match.js'
import { benchPrompt } from './prompt.js'
import { benchFirstPaint } from './first_paint.js'
import { APP_ROOT, BenchDatabase, buildExists } from './lib/deployment.js'
import { describeMachine, loadAverage, waitForQuiet } from './lib/machine.js'
import { cleanUpOnExit, run, stopAll } from './lib/processes.js'
import { machineMarkdown, type BenchContext, type Section, writeReport } from './lib/report.js'

const BENCHMARKS = [
  'ingest',
  'agent',
  'prompt',
  'inbox',
  'live',
  'media',
  'photos',
  'voice',
  'paint',
] as const
type Benchmark = (typeof BENCHMARKS)[number]

const { values: args } = parseArgs({
  options: {
    'only': { type: 'string' },
    'runs': { type: 'string', default: '3' },
    'reseed': { type: 'boolean', default: false },
    'build': { type: 'boolean', default: true },
    'profile': { type: 'string' },
    'max-load': { type: 'string', default: '1.5' },
    'max-wait': { type: 'string', default: '300' },
    'keep-db': { type: 'boolean', default: false },
  },
  allowNegative: true,
})

const only = (args.only?.split(',').map((name) => name.trim()) ?? [...BENCHMARKS]) as Benchmark[]
for (const name of only) {
  if (!BENCHMARKS.includes(name)) {
    console.error(`Unknown benchmark "${name}": choose among ${BENCHMARKS.join(', ')}`)
    process.exit(1)
  }
}

const database = new BenchDatabase('atiende_bench')
cleanUpOnExit(() => database.close())

const started = Date.now()
let buildNote: string | null = null
const log = (line: string) => console.log(line)

if (args.build || !buildExists()) {
  log('Building the app (node ace build)…')
  try {
    await run(process.execPath, ['ace', 'build'], { cwd: APP_ROOT })
  } catch (error) {
    /**
     * The tree is shared with work in progress: a type error elsewhere
     * (a test being written) should not stop a measurement of the app.
     */
    if (!String(error).includes('TypeScript errors')) throw error
    log('  the typecheck failed (see `npx tsc --noEmit`); building with --ignore-ts-errors')
    buildNote = 'built with --ignore-ts-errors: the tree had type errors elsewhere'
    await run(process.execPath, ['ace', 'build', '--ignore-ts-errors'], { cwd: APP_ROOT })
  }
}

const machine = await describeMachine()
const context: BenchContext = { runs: Number(args.runs), machine, log }
log(
  `${machine.nproc} vCPUs, ${machine.cpu}, ${machine.ramGb} GB, Node ${machine.node}, PostgreSQL ${machine.postgres}; load ${loadAverage()}`
)

log('Database atiende_bench: created afresh and migrated')
await database.recreate()
const { Deployment } = await import('./lib/deployment.js')
const migrator = new Deployment(database)
await migrator.startFakes()
await migrator.migrate()
await migrator.stop()

const sections: Section[] = []
try {
  for (const name of only) {
    const quiet = await waitForQuiet(Number(args['max-load']), Number(args['max-wait']) * 1000)
    log(`\n▶ ${name} (load ${loadAverage()})`)
    const at = Date.now()
    const before = sections.length
    switch (name) {
      case 'ingest':
        sections.push(...(await benchIngest(context, { database, profile: args.profile })))
        break
      case 'agent':
        sections.push(await benchAgent(context, { database }))
        break
      case 'prompt':
        sections.push(await benchPrompt(context, { database }))
        break
      case 'inbox':
        sections.push(await benchInbox(context, { reseed: args.reseed }))
        break
      case 'live':
        sections.push(await benchLive(context, { database }))
        break
      case 'media':
        sections.push(await benchBigMedia(context, { database }))
        break
      case 'photos':
        sections.push(await benchPhotos(context))
        break
      case 'voice':
        sections.push(await benchVoiceNotes(context, { database }))
        break
      case 'paint':
        sections.push(await benchFirstPaint(context, { database }))
        break
    }
    /**
     * Each section says when and on which commit it was measured: a run
     * with --only keeps the other sections as they were.
     */
    const waited = quiet.waitedSeconds
      ? `, after waiting ${quiet.waitedSeconds} s for the machine to calm down${quiet.quiet ? '' : ' (it stayed busy)'}`
      : ''
    const provenance = `Measured ${utcMinute(new Date(at))} UTC at commit ${machine.commit}${buildNote ? ` (${buildNote})` : ''}${waited}; ${Math.round((Date.now() - at) / 1000)} s.`
    for (const section of sections.slice(before)) {
      section.markdown = `${section.markdown.trim()}\n\n*${provenance}*`
    }
  }
} finally {
  await stopAll()
  if (!args['keep-db']) await database.drop()
  await database.close()
}

function utcMinute(date: Date) {
  return date.toISOString().slice(0, 16).replace('T', ' ')
}

const header = `
# Performance

How Atiende's hot paths were measured, on what, and what came out. Every
figure here is written by \`npm run bench\` (\`bench/run.ts\`): the
production build on 127.0.0.1, the machine's PostgreSQL, the WhatsApp
gateway and the model faked by real HTTP servers, load from another process
than the app's. Timing claims live here and in \`bench/\`, never in test
assertions. Medians of ${context.runs} runs unless said otherwise; the
ratios of benchmark 1 are measured within each run.
`
writeReport(join(APP_ROOT, 'docs', 'performance.md'), header, machineMarkdown(machine), sections)
log(`\ndocs/performance.md written (${Math.round((Date.now() - started) / 1000)} s)`)
process.exit(0)
