/**
 * Benchmark 5, live updates: from the gateway posting a customer's message
 * to a signed-in browser's event stream receiving `message.created`, at a
 * calm pace and during 300 deliveries/s.
 */
import { loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { type BenchDatabase, Deployment, deliveryBody, setUpBusiness } from './lib/deployment.js'
import { pacedLoad } from './lib/load.js'
import type { BenchContext, Section } from './lib/report.js'
import { subscribeToBusiness } from './lib/sse.js'
import { fmt, median, percentile, withRuns } from './lib/stats.js'

const CALM = 200
const CALM_EVERY_MS = 50
const RATE = 300
const SECONDS = 10
const CUSTOMERS = 500

export async function benchLive(
  ctx: BenchContext,
  options: { database: BenchDatabase }
): Promise<Section> {
  const loadBefore = loadavg()
  const deployment = new Deployment(options.database)
  const web = await deployment.start()
  const business = await setUpBusiness(deployment, web, {
    name: 'Zapatería En Vivo',
    email: 'envivo@bench.atiende.app',
    botEnabled: false,
  })

  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  const subscriber = await subscribeToBusiness(web.url, business, business.id, (event, at) => {
    const message = event.payload?.message
    if (event.payload?.type !== 'message.created' || !message?.gatewayMessageId) return
    const started = sentAt.get(message.gatewayMessageId)
    if (started === undefined) return
    sentAt.delete(message.gatewayMessageId)
    latencies.push(at - started)
  })

  let sequence = 0
  const nextBody = () => {
    sequence += 1
    const id = `BENCH-LIVE-${sequence}`
    sentAt.set(id, performance.now())
    return deliveryBody(business.instanceName, {
      id,
      phone: `52155${String(30_000_000 + (sequence % CUSTOMERS)).padStart(8, '0')}`,
      text: '¿Siguen teniendo la sudadera gris en talla M?',
      pushName: `Cliente ${sequence % CUSTOMERS}`,
    })
  }
  const post = async () => {
    const response = await fetch(`${web.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...business.webhookHeaders },
      body: nextBody(),
    })
    await response.arrayBuffer()
  }

  /**
   * Warm-up: every customer exists, the code paths are optimized.
   */
  ctx.log(`  warm-up: ${CUSTOMERS} customers write once`)
  for (let index = 0; index < CUSTOMERS; index += 25) {
    await Promise.all(Array.from({ length: 25 }, post))
  }
  await sleep(500)

  const calmRuns: number[][] = []
  const loadRuns: { latencies: number[]; heard: number; sent: number; rps: number }[] = []
  for (let run = 0; run < ctx.runs; run++) {
    latencies.length = 0
    sentAt.clear()
    const posts: Promise<void>[] = []
    for (let index = 0; index < CALM; index++) {
      posts.push(post())
      await sleep(CALM_EVERY_MS)
    }
    await Promise.all(posts)
    await sleep(500)
    calmRuns.push([...latencies])

    latencies.length = 0
    sentAt.clear()
    const before = sequence
    const load = await pacedLoad({
      url: web.url,
      path: '/webhooks/whatsapp',
      headers: business.webhookHeaders,
      body: nextBody,
      seconds: SECONDS,
      connections: 32,
      rate: RATE,
    })
    await sleep(1_000)
    loadRuns.push({
      latencies: [...latencies],
      heard: latencies.length,
      sent: sequence - before,
      rps: load.rps,
    })
    ctx.log(
      `  run ${run + 1}: calm p95 ${fmt(percentile(calmRuns[run], 95))} ms; at ${RATE}/s p95 ${fmt(percentile(latencies, 95))} ms (${latencies.length} events)`
    )
  }

  await subscriber.close()
  await deployment.stop()
  const loadAfter = loadavg()

  const calmP95 = calmRuns.map((run) => percentile(run, 95))
  const loadP95 = loadRuns.map((run) => percentile(run.latencies, 95))
  const row = (label: string, runs: number[][]) =>
    `| ${label} | ${withRuns(
      runs.map((values) => percentile(values, 50)),
      1
    )} | ${withRuns(
      runs.map((values) => percentile(values, 95)),
      1
    )} | ${withRuns(
      runs.map((values) => percentile(values, 99)),
      1
    )} | ${runs.map((values) => values.length).join(' / ')} |`

  return {
    id: 'live',
    title: '5. Live update: webhook → event at a subscriber',
    figures: [
      {
        figure: `Webhook → SSE event at a subscriber, p95 (${1000 / CALM_EVERY_MS}/s)`,
        value: `${fmt(median(calmP95))} ms`,
        target: '< 100 ms',
        met: median(calmP95) < 100,
      },
      {
        figure: `Webhook → SSE event at a subscriber, p95 during ${RATE} deliveries/s`,
        value: `${fmt(median(loadP95))} ms`,
        target: '< 100 ms',
        met: median(loadP95) < 100,
      },
    ],
    markdown: `
**Question**: how soon does a person looking at the inbox see a customer's
message?

**How**: \`bench/live.ts\`. The production build's web role (one process,
no Redis: the subscriber is on the process that stores the message) and a
worker; a business with the bot off. A browser session signs in
(\`POST /login\`), opens \`GET /__transmit/events\` and subscribes to the
business's channel, as the inbox page does; the runner posts deliveries and
times each from just before its POST to the arrival of its
\`message.created\` on the stream (matched by the gateway's message id).
${CUSTOMERS} customers, each written to once in a warm-up. Per run: ${CALM} deliveries
${CALM_EVERY_MS} ms apart (${1000 / CALM_EVERY_MS}/s), then ${SECONDS} s at ${RATE} deliveries/s, paced (one every ${fmt(1000 / RATE, 1)} ms, up to
32 connections, \`pacedLoad\`; the time is taken when each request is built). ${ctx.runs} runs; medians of the runs'
percentiles, each run in brackets.

| ms | p50 | p95 | p99 | events |
| --- | ---: | ---: | ---: | ---: |
${row(`${1000 / CALM_EVERY_MS} deliveries/s`, calmRuns)}
${row(
  `${RATE} deliveries/s`,
  loadRuns.map((run) => run.latencies)
)}

During the ${RATE}/s phases the load achieved ${loadRuns.map((run) => fmt(run.rps, 0)).join(' / ')} deliveries/s; events heard / deliveries posted: ${loadRuns.map((run) => `${run.heard}/${run.sent}`).join(', ')}. Load average ${loadBefore.map((value) => value.toFixed(2)).join(' / ')} before, ${loadAfter.map((value) => value.toFixed(2)).join(' / ')} after.
`,
  }
}
