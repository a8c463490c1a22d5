/**
 * Benchmark 4, the inbox at 10,000 conversations and 1,000,000 messages:
 * bench/inbox.ts (the inbox's queries and serialization in the app, with
 * EXPLAIN ANALYZE) run from the production build, and the same headline
 * cases over HTTP against the production web process (the JSON API with a
 * Bearer token), on a database seeded by `inbox:seed-demo`.
 *
 * The seeded database (atiende_bench_inbox) is kept between runs; it is
 * seeded again when missing, incomplete, or with --reseed.
 */
import { join } from 'node:path'
import { loadavg } from 'node:os'
import { BUILD_DIR, BenchDatabase, Deployment } from './lib/deployment.js'
import { run } from './lib/processes.js'
import type { BenchContext, Section } from './lib/report.js'
import { fmt, median, percentile, withRuns } from './lib/stats.js'

const CONVERSATIONS = 10_000
const MESSAGES = 1_000_000
const EMAIL = 'bench@atiende.app'
const PASSWORD = 'bench-password-123'
const IN_APP_RUNS = 100
const HTTP_RUNS = 100

type Timing = { label: string; target?: number; p50: number; p95: number; max: number }
type InAppRun = {
  business: string
  conversations: number
  messages: number
  longest: number
  timings: Timing[]
  indexes: Record<string, string[]>
}

export async function benchInbox(
  ctx: BenchContext,
  options: { reseed: boolean }
): Promise<Section> {
  const loadBefore = loadavg()
  const database = new BenchDatabase('atiende_bench_inbox')
  const deployment = new Deployment(database)
  await deployment.startFakes()

  let seeding: string | null = null
  if (options.reseed || !(await seeded(database))) {
    ctx.log('  seeding atiende_bench_inbox (10,000 conversations, 1,000,000 messages)…')
    await database.recreate()
    await deployment.migrate()
    const env = deployment.env(0)
    await run(
      process.execPath,
      [
        'ace.js',
        'user:create',
        '--email',
        EMAIL,
        '--name',
        'Bench',
        '--password',
        PASSWORD,
        '--business',
        'Zapatería Bench',
      ],
      { cwd: BUILD_DIR, env }
    )
    const { rows } = await database.query('SELECT id FROM businesses ORDER BY created_at LIMIT 1')
    const started = performance.now()
    const output = await run(
      process.execPath,
      [
        'ace.js',
        'inbox:seed-demo',
        '--conversations',
        String(CONVERSATIONS),
        '--messages',
        String(MESSAGES),
        '--business',
        rows[0].id,
      ],
      { cwd: BUILD_DIR, env }
    )
    seeding = `${fmt((performance.now() - started) / 1000, 0)} s (${output.trim().split('\n').pop()?.trim()})`
    ctx.log(`  seeded in ${seeding}`)
  } else {
    ctx.log('  reusing atiende_bench_inbox (--reseed seeds it again)')
  }
  await database.close()

  /**
   * In the app: bench/inbox.ts from the build, EXPLAIN on the last run.
   */
  const inApp: InAppRun[] = []
  for (let index = 0; index < ctx.runs; index++) {
    const last = index === ctx.runs - 1
    const output = await run(
      process.execPath,
      [
        join(BUILD_DIR, 'bench', 'inbox.js'),
        '--runs',
        String(IN_APP_RUNS),
        '--json',
        ...(last ? [] : ['--no-explain']),
      ],
      { cwd: BUILD_DIR, env: deployment.env(0) }
    )
    const line = output.split('\n').find((text) => text.startsWith('BENCH_JSON '))
    if (!line) throw new Error(`bench/inbox.ts printed no results:\n${output.slice(-2000)}`)
    inApp.push(JSON.parse(line.slice('BENCH_JSON '.length)))
    ctx.log(`  in the app, run ${index + 1} done`)
  }
  const shape = inApp[inApp.length - 1]

  /**
   * Over HTTP: the production web process, the JSON API.
   */
  const web = await deployment.web()
  const login = await fetch(`${web.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  })
  const { token } = (await login.json()) as { token: string }
  const get = async (path: string) => {
    const response = await fetch(`${web.url}${path}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    })
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`)
    return response.json() as Promise<any>
  }
  const businesses = await database.query('SELECT id FROM businesses ORDER BY created_at LIMIT 1')
  const businessId = businesses.rows[0].id as string
  const longestRows = await database.query(
    `SELECT conversation_id FROM messages WHERE business_id = $1
     GROUP BY conversation_id ORDER BY count(*) DESC LIMIT 1`,
    [businessId]
  )
  const longest = longestRows.rows[0].conversation_id as string
  await database.close()
  const first = await get(`/conversations?business_id=${businessId}`)
  const cursor = encodeURIComponent(first.meta.nextCursor)
  const httpCases: { label: string; target: number; run: () => Promise<unknown> }[] = [
    {
      label: 'list: first page',
      target: 50,
      run: () => get(`/conversations?business_id=${businessId}`),
    },
    {
      label: 'list: next page',
      target: 50,
      run: () => get(`/conversations?business_id=${businessId}&cursor=${cursor}`),
    },
    {
      label: `open the longest conversation (${shape.longest.toLocaleString('en')} messages): the row and its latest history, in parallel`,
      target: 30,
      run: () =>
        Promise.all([get(`/conversations/${longest}`), get(`/conversations/${longest}/messages`)]),
    },
    {
      label: 'search: a name ("maria")',
      target: 150,
      run: () => get(`/conversations?business_id=${businessId}&q=maria`),
    },
    {
      label: 'search: a common word ("envio")',
      target: 150,
      run: () => get(`/conversations?business_id=${businessId}&q=envio`),
    },
  ]
  const httpRuns: Record<string, { p50: number; p95: number }[]> = {}
  for (let index = 0; index < ctx.runs; index++) {
    for (const entry of httpCases) {
      for (let warm = 0; warm < 10; warm++) await entry.run()
      const times: number[] = []
      for (let count = 0; count < HTTP_RUNS; count++) {
        const started = performance.now()
        await entry.run()
        times.push(performance.now() - started)
      }
      httpRuns[entry.label] ??= []
      httpRuns[entry.label].push({ p50: percentile(times, 50), p95: percentile(times, 95) })
    }
    ctx.log(`  over HTTP, run ${index + 1} done`)
  }
  await deployment.stop()
  const loadAfter = loadavg()

  /**
   * The in-app table: every case, medians of the runs.
   */
  const inAppRows = shape.timings.map((timing) => {
    const runs = inApp.map((result) => result.timings.find((t) => t.label === timing.label)!)
    const p95 = median(runs.map((t) => t.p95))
    const verdict = timing.target ? `${timing.target} ${p95 <= timing.target ? '✓' : '✗'}` : ''
    return `| ${timing.label} | ${fmt(median(runs.map((t) => t.p50)))} | ${withRuns(
      runs.map((t) => t.p95),
      1
    )} | ${fmt(median(runs.map((t) => t.max)))} | ${verdict} |`
  })
  const httpRows = httpCases.map((entry) => {
    const runs = httpRuns[entry.label]
    const p95 = median(runs.map((t) => t.p95))
    return `| ${entry.label} | ${fmt(median(runs.map((t) => t.p50)))} | ${withRuns(
      runs.map((t) => t.p95),
      1
    )} | ${entry.target} ${p95 <= entry.target ? '✓' : '✗'} |`
  })
  const indexRows = Object.entries(shape.indexes).map(
    ([label, names]) => `| ${label} | ${names.map((name) => `\`${name}\``).join(', ')} |`
  )

  const figure = (label: string, name: string, target: number) => {
    const inAppP95 = median(
      inApp.map((result) => result.timings.find((t) => t.label.startsWith(label))!.p95)
    )
    const httpLabel = httpCases.find((entry) => entry.label.startsWith(label))!.label
    const httpP95 = median(httpRuns[httpLabel].map((t) => t.p95))
    return {
      figure: `Inbox: ${name}, p95`,
      value: `${fmt(httpP95)} ms over HTTP (${fmt(inAppP95)} ms in the app)`,
      target: `< ${target} ms`,
      met: httpP95 < target && inAppP95 < target,
    }
  }

  return {
    id: 'inbox',
    title: '4. Inbox at 10,000 conversations and 1,000,000 messages',
    figures: [
      figure('list: first page', 'first page of the list', 50),
      figure('list: next page', 'next page', 50),
      figure('open the longest conversation', 'opening the longest conversation', 30),
      figure('search: a name', 'search for a name', 150),
      figure('search: a common word', 'search for a common word', 150),
    ],
    markdown: `
**Question**: does a business with ${CONVERSATIONS.toLocaleString('en')} conversations and
${MESSAGES.toLocaleString('en')} messages open its inbox, page through it, open a long
conversation and search instantly?

### How

\`bench/inbox_http.ts\` (run by \`npm run bench -- --only inbox\`) keeps its
own database, \`atiende_bench_inbox\`: migrated by the build, an account
made with \`user:create\`, then filled with
\`node ace.js inbox:seed-demo --conversations ${CONVERSATIONS} --messages ${MESSAGES} --business <id>\`.
It is reused by later runs (\`--reseed\` fills it again)${seeding ? `; this run seeded it in ${seeding}` : ''}.

- **In the app**: \`bench/inbox.ts\`, from the build, boots the app and
  calls \`InboxQueries\`, the code behind both the page and the JSON API,
  including the transformers' serialization (so every case is what one
  request does minus HTTP): 10 warm-up runs, then ${IN_APP_RUNS} timed runs per case,
  one after the other; ${ctx.runs} runs of it (the last one also prints EXPLAIN
  ANALYZE of every statement).
- **Over HTTP**: the production web process, the JSON API with a Bearer
  token (\`GET /conversations\`, \`GET /conversations/:id\` and
  \`/messages\`): 10 warm-up requests, then ${HTTP_RUNS} timed ones per case, one after
  the other; ${ctx.runs} runs.

The data (\`inbox:seed-demo\`, set-based SQL): 10,000 customers with Spanish
names, WhatsApp names and phones; 30 % of conversations open (12 % with
unread messages, 1 % waiting for a person, 6.5 % with the bot paused or
switched off), 70 % resolved; activity spread over 180 days. Messages: one
per conversation, 2 % of the rest in one regular customer's conversation
(${shape.longest.toLocaleString('en')} messages), the others spread at random; half from customers, 35 %
from the bot, 15 % from people; 90 % text (template sentences with products,
cities, amounts, order and tracking numbers), the rest photos, audio,
documents, stickers, locations and unsupported kinds; 3 % of outbound sends
failed with their reasons. A second, empty business shares the tables.

### Results

${shape.business}: ${shape.conversations.toLocaleString('en')} conversations, ${shape.messages.toLocaleString('en')} messages.

Over HTTP (ms; p95 as median of the runs, each run in brackets):

| Case | p50 | p95 | target p95 |
| --- | ---: | ---: | ---: |
${httpRows.join('\n')}

In the app (ms):

| Case | p50 | p95 | max | target p95 |
| --- | ---: | ---: | ---: | ---: |
${inAppRows.join('\n')}

### Why it is fast (EXPLAIN ANALYZE, last run)

Every list is keyset-paginated on an index in the list's own order, so a
page reads about 31 index entries wherever it is — page 150 costs what page
1 costs. Contacts come with the page in one more query (\`contacts_pkey\`).
Indexes the statements of each case used:

| Case | Indexes |
| --- | --- |
${indexRows.join('\n')}

Search first asks the trigram index for up to 2,000 matching messages:

- a rare text ("13874") is fully known from that look, and the list
  filters on those conversations' ids;
- a common text spread over many conversations ("envio") is not fetched at
  all: the list is walked in order and each conversation checked with one
  \`messages_history_index\` lookup that stops at its first match (31
  lookups for a page), over at most 400 conversations per page — a text
  that is common but rare in recent conversations returns a short page with
  a \`nextCursor\` instead of scanning a million rows;
- a common text inside a few conversations is read entirely from the index.

### What is not measured

The browser: rendering the page and its scripts. A text of one or two
letters is searched in contacts only (trigrams need three letters), so "an"
never scans message bodies.

Load average ${loadBefore.map((value) => value.toFixed(2)).join(' / ')} before, ${loadAfter.map((value) => value.toFixed(2)).join(' / ')} after.
`,
  }
}

/**
 * Whether the database holds the seeded business (the seed runs in one
 * transaction: it is all there or not at all).
 */
async function seeded(database: BenchDatabase) {
  if (!(await database.exists())) return false
  try {
    const { rows } = await database.query(
      `SELECT count(*)::int AS messages FROM messages
       WHERE business_id = (SELECT business_id FROM conversations GROUP BY business_id
                            ORDER BY count(*) DESC LIMIT 1)`
    )
    return rows[0].messages >= MESSAGES
  } catch {
    return false
  } finally {
    await database.close()
  }
}
