/**
 * Benchmark 3, prompt size: the prompt tokens of the same customer question
 * to shops with 10, 1,000 and 10,000 products, counted on the requests the
 * agent really sends to the (fake) model, beside the prompt the product was
 * first imagined with — the whole catalog pasted into the system prompt.
 */
import { loadavg } from 'node:os'
import type { ChatRequest } from '#tests/helpers/fake_openai'
import { seedCatalog } from './lib/catalog.js'
import { type BenchDatabase, Deployment, deliveryBody, setUpBusiness } from './lib/deployment.js'
import type { BenchContext, Section } from './lib/report.js'
import { fmt, median } from './lib/stats.js'
import { SendWaiter } from './lib/timed_fakes.js'
import { requestTokens } from './lib/tokens.js'

const SIZES = [10, 1_000, 10_000]
const QUESTION =
  'Hola, busco unos tenis para correr color negro, ¿cuánto cuestan y tienen en talla 27?'
/**
 * gpt-4.1-mini's price per million input tokens (config/agent.ts).
 */
const INPUT_USD_PER_MILLION = 0.4

export async function benchPrompt(
  ctx: BenchContext,
  options: { database: BenchDatabase }
): Promise<Section> {
  const loadBefore = loadavg()
  const deployment = new Deployment(options.database)
  const web = await deployment.start()
  const replies = new SendWaiter(deployment.gateway)

  /**
   * The model searches the catalog once, then answers; it reports the
   * prompt tokens it counted itself, as a provider does.
   */
  deployment.openai.chat = (request: ChatRequest) => {
    const prompt = requestTokens(request)
    const searched = request.messages.some((message) => message.role === 'tool')
    return searched
      ? {
          content: 'Sí, tenemos tenis para correr Veloz negro desde $899. ¿Te aparto un par?',
          usage: { prompt, completion: 24 },
        }
      : {
          toolCalls: [{ name: 'search_products', arguments: { query: 'tenis para correr negro' } }],
          usage: { prompt, completion: 18 },
        }
  }

  type Measured = {
    size: number
    first: number[]
    turn: number[]
    reported: number[]
    resultCount: number
    naive: number
    turnMs: number[]
  }
  const measured: Measured[] = []
  for (const size of SIZES) {
    const business = await setUpBusiness(deployment, web, {
      name: `Deportes ${size.toLocaleString('es-MX')}`,
      email: `catalogo-${size}@bench.atiende.app`,
      botEnabled: true,
      replyDelaySeconds: 0,
    })
    const seeded = performance.now()
    await seedCatalog(options.database, business.id, size)
    ctx.log(
      `  ${size.toLocaleString('en')} products seeded in ${fmt((performance.now() - seeded) / 1000)} s`
    )

    const entry: Measured = {
      size,
      first: [],
      turn: [],
      reported: [],
      resultCount: 0,
      naive: 0,
      turnMs: [],
    }
    for (let run = 0; run < ctx.runs; run++) {
      const phone = `5215580${String(size).padStart(5, '0')}${run}`
      deployment.openai.requests = []
      const started = performance.now()
      const response = await fetch(`${web.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...business.webhookHeaders },
        body: deliveryBody(business.instanceName, {
          id: `BENCH-PROMPT-${size}-${run}`,
          phone,
          text: QUESTION,
          pushName: 'Cliente Catálogo',
        }),
      })
      await response.arrayBuffer()
      const answeredAt = await replies.replyTo(phone, 60_000, started)
      entry.turnMs.push(answeredAt - started)
      const requests = deployment.openai.chatRequests()
      entry.first.push(requestTokens(requests[0]))
      entry.turn.push(requests.reduce((sum, request) => sum + requestTokens(request), 0))
      const toolMessage = requests[1]?.messages.find((message) => message.role === 'tool')
      entry.resultCount = toolMessage
        ? (JSON.parse(String(toolMessage.content)).results?.length ?? 0)
        : 0
      const { rows } = await options.database.query(
        `SELECT prompt_tokens FROM agent_runs WHERE business_id = $1 ORDER BY created_at DESC LIMIT 1`,
        [business.id]
      )
      entry.reported.push(Number(rows[0]?.prompt_tokens ?? Number.NaN))

      if (run === 0) {
        entry.naive = await naivePromptTokens(options.database, business.id, requests[0])
      }
    }
    ctx.log(
      `  ${size.toLocaleString('en')} products: first request ${median(entry.first)} tokens, whole turn ${median(entry.turn)}; pasted catalog ${entry.naive.toLocaleString('en')}`
    )
    measured.push(entry)
  }

  await deployment.stop()
  const loadAfter = loadavg()

  const smallest = median(measured[0].first)
  const largest = median(measured[measured.length - 1].first)
  const ratio = largest / smallest
  const rows = measured.map((entry) => {
    const first = median(entry.first)
    const stable = new Set(entry.first).size === 1 ? '' : ` (runs: ${entry.first.join(' / ')})`
    return `| ${entry.size.toLocaleString('en')} | ${first.toLocaleString('en')}${stable} | ${fmt(first / smallest, 2)}× | ${median(entry.turn).toLocaleString('en')} (${entry.resultCount} results) | ${median(entry.reported).toLocaleString('en')} | ${fmt(median(entry.turnMs), 0)} | ${entry.naive.toLocaleString('en')} | ${fmt(entry.naive / smallest, 1)}× | $${fmt((entry.naive * INPUT_USD_PER_MILLION) / 1_000_000, 4)} |`
  })

  return {
    id: 'prompt',
    title: '3. Prompt size against the catalog',
    figures: [
      {
        figure: 'Prompt tokens, 10,000-product catalog ÷ 10-product catalog',
        value: `${fmt(ratio, 2)}× (${largest.toLocaleString('en')} vs ${smallest.toLocaleString('en')} tokens)`,
        target: '≤ 1.2×',
        met: ratio <= 1.2,
      },
      {
        figure: 'Naive "paste the catalog" prompt at 10,000 products (contrast)',
        value: `${measured[measured.length - 1].naive.toLocaleString('en')} tokens (${fmt(measured[measured.length - 1].naive / smallest, 0)}× the agent's)`,
        target: '—',
        met: null,
      },
    ],
    markdown: `
**Question**: does the prompt grow with the catalog?

**How**: \`bench/prompt.ts\`. Three businesses on the production build (web
and worker), with 10, 1,000 and 10,000 products (Spanish titles and
descriptions, generated in one \`INSERT … SELECT … generate_series\`,
\`bench/lib/catalog.ts\`), receive the same customer question by webhook:
“${QUESTION}” The fake model asks \`search_products\` once, then answers.
Tokens are counted with \`gpt-tokenizer\` (o200k_base, the gpt-4.1
encoding) on the JSON bodies the agent sent (\`bench/lib/tokens.ts\`: each
message's role and content plus 3 tokens of framing, the tools'
definitions as JSON, 3 tokens priming the reply). The fake reports the same
count as \`usage.prompt_tokens\`, which the app stores per turn
(\`agent_runs.prompt_tokens\`, the two model calls added). ${ctx.runs} turns per catalog, each
a new customer.

The naive prompt is the agent's first request with, instead of the tools,
the whole catalog pasted into the system prompt: one line per product with
its title, price, stock and description (\`- Tenis para correr Veloz negro
talla 27 — $1,234.90 MXN — 12 en existencia — Modelo Veloz en malla
transpirable, …\`), counted the same way; its cost is at gpt-4.1-mini's
$${INPUT_USD_PER_MILLION} per million input tokens, for every customer message.

| products | first request, tokens | ÷ 10 products | whole turn, tokens (2 calls) | stored by the app | turn ms | naive prompt, tokens | ÷ agent's | naive input cost per message |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

The first request holds the master prompt, profile, policies, hours, FAQs,
rules, the conversation and the four tools' definitions: the catalog is
reached through \`search_products\` (at most 8 results, descriptions cut at
160 characters), so the second call grows by the same few hundred tokens
whatever the catalog's size. Load average ${loadBefore.map((value) => value.toFixed(2)).join(' / ')} before, ${loadAfter.map((value) => value.toFixed(2)).join(' / ')} after.
`,
  }
}

/**
 * The agent's first request with the catalog pasted into its system
 * prompt and no tools.
 */
async function naivePromptTokens(
  database: BenchDatabase,
  businessId: string,
  request: ChatRequest
) {
  const { rows } = await database.query(
    `SELECT title, price, stock, description FROM products WHERE business_id = $1 ORDER BY title`,
    [businessId]
  )
  const money = new Intl.NumberFormat('es-MX', { style: 'currency', currency: 'MXN' })
  const catalog = rows
    .map(
      (product) =>
        `- ${product.title} — ${money.format(Number(product.price))} MXN — ${product.stock ?? 'sin control de'} en existencia — ${product.description ?? ''}`
    )
    .join('\n')
  const [system, ...rest] = request.messages
  const pasted = `${String(system.content)}\n\n## Catálogo completo (${rows.length} productos)\n${catalog}`
  return requestTokens({ messages: [{ ...system, content: pasted }, ...rest] })
}
