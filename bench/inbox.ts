/**
 * The inbox at the size of a busy shop: the queries the inbox runs
 * (InboxQueries, the same code the page and the API call, with the
 * transformers' serialization), timed over repeated runs, and EXPLAIN
 * ANALYZE of each one to show the index it uses.
 *
 * Needs a migrated PostgreSQL database whose name contains "bench" or
 * "test", with a business filled by `node ace inbox:seed-demo`:
 *
 *   export DATABASE_URL=postgres://postgres@127.0.0.1:5432/atiende_bench_inbox
 *   node ace inbox:seed-demo --conversations 10000 --messages 1000000 --business <id>
 *   node --import=@poppinss/ts-exec bench/inbox.ts [--business <id>] [--runs 200] [--no-explain] [--json]
 *
 * Without --business it measures the business with the most conversations.
 * --json prints one line `BENCH_JSON {...}` with every case's timings and
 * the indexes its statements used (bench/inbox_http.ts reads it).
 */
import 'reflect-metadata'
import { Ignitor } from '@adonisjs/core'
import { parseArgs } from 'node:util'

const { values: args } = parseArgs({
  options: {
    business: { type: 'string' },
    runs: { type: 'string', default: '200' },
    explain: { type: 'boolean', default: true },
    json: { type: 'boolean', default: false },
  },
  allowNegative: true,
})

const url = process.env.DATABASE_URL
if (!url || !/bench|test/.test(new URL(url).pathname)) {
  console.error('Set DATABASE_URL to a migrated database whose name contains "bench" or "test".')
  process.exit(1)
}

const APP_ROOT = new URL('../', import.meta.url)
const app = new Ignitor(APP_ROOT, {
  importer: (filePath) =>
    import(filePath.startsWith('.') ? new URL(filePath, APP_ROOT).href : filePath),
})
  .tap((application) => {
    application.booting(async () => {
      await import('#start/env')
    })
  })
  .createApp('console')
await app.init()
await app.boot()
await app.start(() => {})

const { default: db } = await import('@adonisjs/lucid/services/db')
const { default: Business } = await import('#models/business')
const { default: InboxQueries } = await import('#services/inbox_queries')
const { serialize } = await import('#services/serializer')
const { default: ConversationTransformer } = await import('#transformers/conversation_transformer')
const { default: MessageTransformer } = await import('#transformers/message_transformer')
const { decodeCursor } = await import('#services/keyset_cursor')
const { BotGate } = await import('#services/agent/bot_gate')
type ListOptions = import('#services/inbox_queries').ConversationListOptions

const biggest = await db
  .from('conversations')
  .select('business_id')
  .count('* as total')
  .groupBy('business_id')
  .orderBy('total', 'desc')
  .first()
const business = await Business.findOrFail(args.business ?? biggest?.business_id)
const queries = new InboxQueries()
const gate = await app.container.make(BotGate)
const runs = Number(args.runs)

const [{ conversations, messages }] = await db
  .from('conversations')
  .where('business_id', business.id)
  .select(
    db.raw('count(*)::int AS conversations'),
    db.from('messages').where('business_id', business.id).count('*').as('messages')
  )
const longest = await db
  .from('messages')
  .where('business_id', business.id)
  .select('conversation_id')
  .count('* as total')
  .groupBy('conversation_id')
  .orderBy('total', 'desc')
  .first()

/**
 * What the endpoints do: a page of the list, serialized.
 */
async function listPage(options: ListOptions) {
  const page = await queries.conversations(business, options)
  await serialize(ConversationTransformer.transform(page.rows, await gate.businessStatus(business)))
  return page
}

/**
 * What opening a conversation does (the page's `selected`): the row with
 * its contact, the latest page of history and the contact's conversation
 * count.
 */
async function openConversation(id: string, before?: string) {
  const conversation = await queries.conversation(business, id)
  const [history] = await Promise.all([
    queries.messages(conversation, { before: before ? decodeCursor(before)! : undefined }),
    queries.conversationCount(conversation.contact),
  ])
  await serialize(MessageTransformer.transform(history.rows))
  await serialize(
    ConversationTransformer.transform(conversation, await gate.businessStatus(business))
  )
  return history
}

/**
 * Cursors deep in the list and deep in the longest history, reached by
 * paging as a person scrolling would.
 */
const first = await listPage({})
let deepCursor = first.nextCursor
for (let page = 0; page < 150 && deepCursor; page++) {
  const next = await listPage({ cursor: decodeCursor(deepCursor)! })
  deepCursor = next.nextCursor
}
const latest = await openConversation(longest!.conversation_id)
let olderCursor = latest.nextCursor
for (let page = 0; page < 100 && olderCursor; page++) {
  const older = await openConversation(longest!.conversation_id, olderCursor)
  olderCursor = older.nextCursor
}
const commonSearch = await listPage({ q: 'envio' })

const cases: { label: string; target?: number; run: () => Promise<unknown> }[] = [
  { label: 'list: first page', target: 50, run: () => listPage({}) },
  {
    label: 'list: next page',
    target: 50,
    run: () => listPage({ cursor: decodeCursor(first.nextCursor!)! }),
  },
  {
    label: 'list: page 150 (4,500 rows in)',
    run: () => listPage({ cursor: decodeCursor(deepCursor!)! }),
  },
  { label: 'view: needs a human', run: () => listPage({ filter: 'needs_human' }) },
  { label: 'view: bot paused', run: () => listPage({ filter: 'bot_paused' }) },
  { label: 'view: unread', run: () => listPage({ filter: 'unread' }) },
  { label: 'view: resolved', run: () => listPage({ filter: 'resolved' }) },
  { label: 'unread totals', run: () => queries.summary(business) },
  {
    label: `open the longest conversation (${Number(longest!.total).toLocaleString('en')} messages)`,
    target: 30,
    run: () => openConversation(longest!.conversation_id),
  },
  {
    label: 'older messages, 5,000 back',
    run: () => openConversation(longest!.conversation_id, olderCursor!),
  },
  { label: 'search: a name ("maria")', target: 150, run: () => listPage({ q: 'maria' }) },
  {
    label: 'search: a phone ("+52 199 000 12")',
    target: 150,
    run: () => listPage({ q: '+52 199 000 12' }),
  },
  { label: 'search: a word ("sudadera")', target: 150, run: () => listPage({ q: 'sudadera' }) },
  { label: 'search: a common word ("envio")', target: 150, run: () => listPage({ q: 'envio' }) },
  {
    label: 'search: a common word, next page',
    target: 150,
    run: () => listPage({ q: 'envio', cursor: decodeCursor(commonSearch.nextCursor!)! }),
  },
  { label: 'search: an order number ("13874")', target: 150, run: () => listPage({ q: '13874' }) },
  { label: 'search: no match ("zzzqqq")', target: 150, run: () => listPage({ q: 'zzzqqq' }) },
  {
    label: 'search: a word, unread only',
    run: () => listPage({ q: 'sudadera', filter: 'unread' }),
  },
]

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

console.log(
  `\n${business.name}: ${Number(conversations).toLocaleString('en')} conversations, ${Number(messages).toLocaleString('en')} messages; ${runs} runs per case after 10 warm-up runs\n`
)
const timings: { label: string; target?: number; p50: number; p95: number; max: number }[] = []
const indexes: Record<string, string[]> = {}
console.log('| Case | p50 ms | p95 ms | max ms | target p95 |')
console.log('| --- | ---: | ---: | ---: | ---: |')
for (const entry of cases) {
  for (let index = 0; index < 10; index++) await entry.run()
  const times: number[] = []
  for (let index = 0; index < runs; index++) {
    const started = performance.now()
    await entry.run()
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  const p95 = percentile(times, 95)
  timings.push({
    label: entry.label,
    target: entry.target,
    p50: percentile(times, 50),
    p95,
    max: times[times.length - 1],
  })
  const verdict = entry.target ? `${entry.target} ${p95 <= entry.target ? '✓' : '✗'}` : ''
  console.log(
    `| ${entry.label} | ${percentile(times, 50).toFixed(1)} | ${p95.toFixed(1)} | ${times[times.length - 1].toFixed(1)} | ${verdict} |`
  )
}

/**
 * EXPLAIN ANALYZE of every SQL statement a case runs, keeping the lines
 * that say how rows were found.
 */
if (args.explain) {
  const knex = db.connection().getReadClient()
  console.log('\nPlans (scan nodes of each statement):')
  for (const entry of cases) {
    const statements: { sql: string; bindings: unknown[] }[] = []
    const listener = (query: { sql: string; bindings: unknown[] }) => statements.push(query)
    knex.on('query', listener)
    await entry.run()
    knex.off('query', listener)

    console.log(`\n## ${entry.label}`)
    for (const statement of statements) {
      const sql = statement.sql.replace(/\$\d+/g, '?')
      const plan = await knex.raw(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`, statement.bindings as any)
      const lines: string[] = plan.rows.map((row: Record<string, string>) => row['QUERY PLAN'])
      const kept = lines.filter((line) =>
        /Scan|Execution Time|Index Cond|Recheck Cond|Heap Blocks|SubPlan/.test(line)
      )
      console.log(`- ${statement.sql.replace(/\s+/g, ' ').slice(0, 110)}…`)
      for (const line of kept) console.log(`    ${line.trim()}`)
      for (const line of lines) {
        const index =
          /(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)/.exec(
            line
          )
        if (index) indexes[entry.label] = [...new Set([...(indexes[entry.label] ?? []), index[1]])]
      }
    }
  }
}

if (args.json) {
  console.log(
    `BENCH_JSON ${JSON.stringify({
      business: business.name,
      conversations: Number(conversations),
      messages: Number(messages),
      longest: Number(longest!.total),
      runs,
      timings,
      indexes,
    })}`
  )
}

await app.terminate()
