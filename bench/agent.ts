/**
 * Benchmark 2, the agent's own overhead: with a fake model that answers at
 * once (reply delay 0), the time from a customer's webhook to the gateway's
 * sendText, minus the model's time; and with a model taking 2 s, whether
 * 200 conversations written at once are answered in 2 s × ⌈200 / worker
 * concurrency⌉ (no conversation waits behind another's turn).
 */
import { loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { type BenchDatabase, Deployment, deliveryBody, setUpBusiness } from './lib/deployment.js'
import type { BenchContext, Section } from './lib/report.js'
import { fmt, max, median, percentile, withRuns } from './lib/stats.js'
import { SendWaiter } from './lib/timed_fakes.js'

const TURNS = 100
const CUSTOMERS = 20
const CONVERSATIONS = 200
const SLOW_MODEL_MS = 2_000
const CONCURRENCY = 10

export async function benchAgent(
  ctx: BenchContext,
  options: { database: BenchDatabase }
): Promise<Section> {
  const loadBefore = loadavg()
  const deployment = new Deployment(options.database, { AGENT_CONCURRENCY: String(CONCURRENCY) })
  const web = await deployment.start()
  const business = await setUpBusiness(deployment, web, {
    name: 'Zapatería Agente',
    email: 'agente@bench.atiende.app',
    botEnabled: true,
    replyDelaySeconds: 0,
  })
  const replies = new SendWaiter(deployment.gateway)

  /**
   * The model: its own time is measured from having read the request to
   * answering it (the fake's delay plus the handler), per turn token.
   */
  let delayMs = 0
  let inFlight = 0
  let mostInFlight = 0
  const modelMs = new Map<string, number>()
  const modelAt = new Map<string, number>()
  deployment.openai.chat = (request) => {
    const started = performance.now()
    /**
     * The newest token: the history holds the customer's earlier ones.
     */
    const token =
      [...JSON.stringify(request.messages).matchAll(/\[(T[\w-]+)\]/g)].at(-1)?.[1] ?? 'unknown'
    modelAt.set(token, started)
    inFlight += 1
    mostInFlight = Math.max(mostInFlight, inFlight)
    setTimeout(() => (inFlight -= 1), delayMs)
    modelMs.set(token, (modelMs.get(token) ?? 0) + delayMs + (performance.now() - started))
    return { content: 'Claro, tenemos tenis para correr desde $899. ¿Qué talla usas?', delayMs }
  }

  const deliver = async (phone: string, token: string) => {
    const response = await fetch(`${web.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...business.webhookHeaders },
      body: deliveryBody(business.instanceName, {
        id: `BENCH-AGENT-${token}`,
        phone,
        text: `Hola, ¿tienen tenis para correr talla 27? [${token}]`,
        pushName: 'Cliente Agente',
      }),
    })
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`)
    await response.arrayBuffer()
  }

  /**
   * Part 1: one customer after another, each answered before the next
   * writes. Warm-up turns first.
   */
  type Turn = { overhead: number; total: number; ack: number; pickup: number; model: number }
  const instantRuns: Turn[][] = []
  const oneTurn = async (phone: string, token: string): Promise<Turn> => {
    const started = performance.now()
    await deliver(phone, token)
    const acked = performance.now()
    const answeredAt = await replies.replyTo(phone, 30_000, started)
    const model = modelMs.get(token) ?? 0
    const total = answeredAt - started
    return {
      total,
      model,
      overhead: total - model,
      ack: acked - started,
      pickup: (modelAt.get(token) ?? answeredAt) - acked,
    }
  }
  const customers = Array.from(
    { length: CUSTOMERS },
    (_, index) => `5215560${String(index).padStart(6, '0')}`
  )
  ctx.log(`  warm-up: each of ${CUSTOMERS} customers writes once`)
  for (const [index, phone] of customers.entries()) await oneTurn(phone, `TW-${index}`)
  for (let run = 0; run < ctx.runs; run++) {
    const turns: Turn[] = []
    for (let index = 0; index < TURNS; index++) {
      turns.push(await oneTurn(customers[index % CUSTOMERS], `TI-${run}-${index}`))
      await sleep(20)
    }
    instantRuns.push(turns)
    const overheads = turns.map((turn) => turn.overhead)
    ctx.log(
      `  instant model, run ${run + 1}: overhead p50 ${fmt(percentile(overheads, 50))} ms, p95 ${fmt(percentile(overheads, 95))} ms`
    )
  }

  /**
   * Part 2: a model that takes 2 s; 200 customers write at once.
   */
  delayMs = SLOW_MODEL_MS
  const ideal = (SLOW_MODEL_MS / 1000) * Math.ceil(CONVERSATIONS / CONCURRENCY)
  type Burst = {
    lastS: number
    medianS: number
    answered: number
    mostInFlight: number
    deliveredS: number
  }
  const bursts: Burst[] = []
  for (let run = 0; run < ctx.runs; run++) {
    mostInFlight = 0
    const phones = Array.from(
      { length: CONVERSATIONS },
      (_, index) => `52156${run + 1}${String(index).padStart(6, '0')}`
    )
    const started = performance.now()
    const answers = phones.map((phone) =>
      replies.replyTo(phone, ideal * 1000 * 3).then(
        (at) => (at - started) / 1000,
        () => Number.NaN
      )
    )
    for (let index = 0; index < phones.length; index += 20) {
      await Promise.all(
        phones
          .slice(index, index + 20)
          .map((phone, offset) => deliver(phone, `TS-${run}-${index + offset}`))
      )
    }
    const deliveredS = (performance.now() - started) / 1000
    const times = await Promise.all(answers)
    const answeredTimes = times.filter((time) => Number.isFinite(time))
    bursts.push({
      lastS: max(answeredTimes),
      medianS: median(answeredTimes),
      answered: answeredTimes.length,
      mostInFlight,
      deliveredS,
    })
    ctx.log(
      `  2 s model, run ${run + 1}: ${answeredTimes.length}/${CONVERSATIONS} answered, last after ${fmt(max(answeredTimes))} s (ideal ${ideal} s), at most ${mostInFlight} model calls at once`
    )
    await sleep(1_000)
  }

  await deployment.stop()
  const loadAfter = loadavg()

  const p95 = instantRuns.map((turns) =>
    percentile(
      turns.map((turn) => turn.overhead),
      95
    )
  )
  const column = (pick: (turn: Turn) => number, p: number) =>
    withRuns(
      instantRuns.map((turns) => percentile(turns.map(pick), p)),
      1
    )
  const lastS = bursts.map((burst) => burst.lastS)
  const allAnswered = bursts.every((burst) => burst.answered === CONVERSATIONS)

  return {
    id: 'agent',
    title: '2. Agent turn overhead and concurrency',
    figures: [
      {
        figure: 'Agent turn overhead (webhook → sendText minus model time), p95',
        value: `${fmt(median(p95))} ms (p50 ${fmt(
          median(
            instantRuns.map((turns) =>
              percentile(
                turns.map((turn) => turn.overhead),
                50
              )
            )
          )
        )} ms)`,
        target: '< 30 ms',
        met: median(p95) < 30,
      },
      {
        figure: `${CONVERSATIONS} conversations at once, 2 s model, ${CONCURRENCY} turns per worker`,
        value: `all answered in ${fmt(median(lastS))} s (ideal ${ideal} s = 2 s × ⌈${CONVERSATIONS} / ${CONCURRENCY}⌉)`,
        target: `≈ ${ideal} s, all answered`,
        met: allAnswered && median(lastS) <= ideal * 1.15,
      },
    ],
    markdown: `
**Question**: what does the agent add to a reply besides the model's own
time, and does a slow model make conversations wait behind each other?

**How**: \`bench/agent.ts\`. The web role (\`QUEUE_WORKERS=off\`) and one
\`queue:work\` worker (\`AGENT_CONCURRENCY=${CONCURRENCY}\`, the production
shape) of the production build; a business with the bot on and a reply
delay of 0 s (no debounce); the fake model (\`FakeOpenAI\`, a real HTTP
server reached through LangChain and the OpenAI SDK) answers a plain reply
without tools. The time runs from the moment the runner posts the
customer's webhook to the moment the fake gateway has read the reply's
\`/message/sendText\`; the model's time is what the fake spends between
having read the request and answering (the configured delay plus its
handler, under 0.1 ms when instant).

*Instant model*: ${TURNS} turns one after another per run, ${CUSTOMERS} returning customers taking turns
(each turn answered, then 20 ms, then the next customer writes); a warm-up turn per customer first
(their first contact). The conversation's history grows by two messages a turn (the prompt keeps
the latest ${'30'} within its budget). ${ctx.runs} runs; medians of the runs' percentiles, each run in brackets.

| ms | p50 | p95 | max |
| --- | ---: | ---: | ---: |
| overhead (total − model) | ${column((t) => t.overhead, 50)} | ${column((t) => t.overhead, 95)} | ${column((t) => t.overhead, 100)} |
| webhook answered (200) | ${column((t) => t.ack, 50)} | ${column((t) => t.ack, 95)} | ${column((t) => t.ack, 100)} |
| webhook answered → model asked (queue pick-up, context) | ${column((t) => t.pickup, 50)} | ${column((t) => t.pickup, 95)} | ${column((t) => t.pickup, 100)} |

*Model taking ${SLOW_MODEL_MS / 1000} s*: ${CONVERSATIONS} customers write at once (posted 20 at a time, all
delivered within ${fmt(median(bursts.map((burst) => burst.deliveredS)))} s); the time runs from the first post to each reply.

| | median of runs (each run) |
| --- | --- |
| last reply, s | ${withRuns(lastS, 1)} |
| median reply, s | ${withRuns(
      bursts.map((burst) => burst.medianS),
      1
    )} |
| conversations answered | ${bursts.map((burst) => `${burst.answered}/${CONVERSATIONS}`).join(' / ')} |
| most model calls at once | ${bursts.map((burst) => burst.mostInFlight).join(' / ')} |
| ideal: 2 s × ⌈${CONVERSATIONS} / ${CONCURRENCY}⌉ | ${ideal} s |

### Where the instant-model overhead goes, and what was changed

A turn is about 25 statements and three HTTP calls, one after the other
(PostgreSQL's log with \`log_min_duration_statement = 0\` on the benchmark
database, one turn): the webhook stores the message and queues the job
(~1 ms of SQL, the rest the framework and the HTTP round trip); the
worker, woken by PostgreSQL's NOTIFY, fetches it (pg-boss, 4-5 ms); reads
the conversation, the business, interrupted runs, the pending messages, the
instance, and writes the run; builds the prompt from the history, the
master prompt and the policies; calls the model (the OpenAI SDK through
LangChain, ~3 ms with the fake); records the usage, reads the
conversation and the business again and checks no person wrote meanwhile;
stores the reply as pending messages in one transaction; reads the
instance, the contact and the queue of the conversation and sends. Each
statement is well under a millisecond in PostgreSQL; what costs is the
round trips and the Node.js work around each on this VM. The figure also
moves with the machine's other tenants: on 2026-12-01 the same code
measured p50/p95 24.7/31.9 ms at 13:05 UTC and 30.0/42.4 ms at 13:39 UTC
(the webhook's own answer 5.9 → 8.5 ms at p50 in between, with nothing
changed on that path).

Changed (measured with the same load, one run each): the reads that do not
depend on each other go out together (a turn went from ~33 to ~28
sequential round trips), and a reply due at once (reply delay 0) is queued
with one \`send\` instead of an \`upsert\` transaction (the webhook's answer
8 → 6 ms at p50). Overhead p50/p95 went from 31/40 to 26-30/33-43 ms.

*Each step of a turn* (2026-12-01 15:10 UTC, one run of 100 turns with
temporary timing marks in the worker, not in the build; ms):

| step | p50 | p95 |
| --- | ---: | ---: |
| webhook answered (in the app: storing and queueing 4.7 / 9.7, of which pg-boss's \`send\` 2.2 / 4.5) | 7.2 | 13.0 |
| → the worker's handler starts (NOTIFY, pg-boss's fetch) | 2.2 | 4.4 |
| conversation read | 1.3 | 2.5 |
| business, interrupted runs, pending messages, instance (together) | 1.7 | 3.4 |
| run written; history and system prompt built (together) | 2.4 | 5.3 |
| model call through LangChain and the OpenAI SDK (the fake itself 0.7) | 2.6 | 3.7 |
| re-checks after the model | 1.5 | 3.3 |
| what was written meanwhile (human, newer messages) | 0.6 | 1.1 |
| reply stored (one transaction of six statements) | 3.1 | 5.3 |
| delivery reads (instance, pending messages, contact) | 1.0 | 1.6 |
| → sendText at the gateway ("typing…" and the text) | ~2.2 | |

No step dominates: the p50s add up to the ~27 ms of the run, and the spread
to the p95 comes from every step's tail at once (their p95s add up to ~50
ms), the VM's jitter rather than one slow statement. After that profile the
"written meanwhile" queries and the delivery reads go out with the re-checks
(one round trip instead of three; ~1.6 ms at p50 by the profile), which the
end-to-end figure cannot resolve from its run-to-run noise (p50 27-32 ms and
p95 42-79 ms in four runs earlier the same afternoon).

Left as it is, on purpose: the durable queue between the webhook and the
worker (a crash loses no reply), storing the reply before sending it (a
killed worker never sends twice), and the re-checks after the model (the
bot never talks over a person). Each costs round trips inside this
figure. What would bring the p95 under 30 ms is running the turn in the
process that received the webhook (no queue hop, ~10 ms), with the queue
kept only for retries; not done: it ties the agent's load to the web
replicas, which the deployment separates so that a slow model never slows
the inbox.

Load average ${loadBefore.map((value) => value.toFixed(2)).join(' / ')} before, ${loadAfter.map((value) => value.toFixed(2)).join(' / ')} after.
`,
  }
}
