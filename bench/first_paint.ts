/**
 * Benchmark 10, first paint on a slow phone: how long a first visit to
 * /login, /dashboard and /inbox takes to show something (first contentful
 * paint) in Chromium on a slow 4G link and a 4× slower CPU, with the pages
 * rendered in the browser only (INERTIA_SSR=false, as before) and rendered
 * on the server (the default), from the same production build.
 *
 *   npm run bench -- --only paint
 */
import { loadavg } from 'node:os'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'
import { signedInSession } from '#tests/helpers/http_session'
import { type BenchDatabase, Deployment, deliveryBody, setUpBusiness } from './lib/deployment.js'
import { startCompressingProxy } from './lib/compressing_proxy.js'
import type { BenchContext, Section } from './lib/report.js'
import { fmt, median } from './lib/stats.js'

/**
 * Loads per page and mode (the median is the figure), whatever --runs says.
 */
const LOADS = 5
const TARGET_MS = 1500
const CUSTOMERS = 30
/**
 * Sequential requests per page and mode for the server's answer time.
 */
const SERVER_REQUESTS = 50

/**
 * Chrome DevTools' "slow 4G" (150 ms, 1.6 Mbps down, 750 kbps up) and a
 * CPU 4× slower than this machine's: a mid-range phone on a poor signal.
 */
const NETWORK = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1_000_000) / 8,
  uploadThroughput: (750 * 1_000) / 8,
}
const CPU_SLOWDOWN = 4
const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'es-MX',
}

const PAGES = [
  { path: '/login', signedIn: false },
  { path: '/dashboard', signedIn: true },
  { path: '/inbox', signedIn: true },
] as const

const MODES = [
  { id: 'before', label: 'in the browser only (INERTIA_SSR=false)', ssr: 'false' },
  { id: 'after', label: 'on the server, hydrated (SSR)', ssr: 'true' },
] as const

type Load = { fcp: number; live: number; htmlBytes: number }

export async function benchFirstPaint(
  ctx: BenchContext,
  options: { database: BenchDatabase }
): Promise<Section> {
  const loadBefore = loadavg()
  const deployment = new Deployment(options.database)
  await deployment.startFakes()

  /**
   * One web process per mode, both on the same database and build, each
   * behind the compressing proxy that stands for Traefik.
   */
  const servers: Record<string, { url: string; close: () => Promise<void> }> = {}
  const webs: Record<string, Awaited<ReturnType<Deployment['web']>>> = {}
  for (const mode of MODES) {
    webs[mode.id] = await deployment.web({ INERTIA_SSR: mode.ssr })
    servers[mode.id] = await startCompressingProxy(webs[mode.id].url)
  }
  const web = webs.after

  /**
   * A shop with a connected WhatsApp and a few dozen customers who wrote
   * (the bot off: nothing answers them).
   */
  const owner = await setUpBusiness(deployment, web, {
    name: 'Zapatería Primer Trazo',
    email: 'primer-trazo@bench.atiende.app',
    botEnabled: false,
  })
  const texts = [
    'Hola, buenas tardes',
    '¿Tienen tenis rojos en talla 26?',
    '¿Hacen envíos a Puebla?',
  ]
  for (let customer = 0; customer < CUSTOMERS; customer++) {
    for (const [index, text] of texts.entries()) {
      const response = await fetch(`${web.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...owner.webhookHeaders },
        body: deliveryBody(owner.instanceName, {
          id: `BENCH-PAINT-${customer}-${index}`,
          phone: `52155${String(40_000_000 + customer).padStart(8, '0')}`,
          text,
          pushName: `Cliente ${customer + 1}`,
        }),
      })
      await response.arrayBuffer()
    }
  }

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  const chromiumVersion = browser.version()
  const results: Record<string, Record<string, Load[]>> = {}
  const serverTimes: Record<string, Record<string, number>> = {}
  try {
    const cookies: Record<string, { name: string; value: string; url: string }[]> = {}
    for (const mode of MODES) {
      const base = servers[mode.id].url
      const session = await signedInSession(owner.email, owner.password, base)
      cookies[mode.id] = session
        .cookies()
        .split('; ')
        .map((pair) => {
          const index = pair.indexOf('=')
          return { name: pair.slice(0, index), value: pair.slice(index + 1), url: base }
        })
      /**
       * Warm-up, unthrottled: the server has rendered each page once (the
       * SSR bundle loaded, the code optimized), as a server in service has.
       */
      for (const page of PAGES) {
        await firstVisit(browser, base, page.path, page.signedIn ? cookies[mode.id] : [], false)
      }
    }

    /**
     * What rendering on the server costs it: the document's answer time
     * from the web process itself (no proxy, no throttling), the modes
     * alternating request by request.
     */
    const direct: Record<string, Awaited<ReturnType<typeof signedInSession>>> = {}
    for (const mode of MODES) {
      direct[mode.id] = await signedInSession(owner.email, owner.password, webs[mode.id].url)
    }
    const answerTimes: Record<string, Record<string, number[]>> = {}
    for (let request = 0; request < SERVER_REQUESTS; request++) {
      for (const page of PAGES) {
        for (const mode of MODES) {
          const started = performance.now()
          const response = page.signedIn
            ? await direct[mode.id].fetch(page.path)
            : await fetch(`${webs[mode.id].url}${page.path}`)
          await response.text()
          answerTimes[page.path] ??= {}
          answerTimes[page.path][mode.id] ??= []
          answerTimes[page.path][mode.id].push(performance.now() - started)
        }
      }
    }
    for (const page of PAGES) {
      serverTimes[page.path] = {}
      for (const mode of MODES) {
        serverTimes[page.path][mode.id] = median(answerTimes[page.path][mode.id])
      }
    }

    /**
     * The loads alternate between the modes, so that a busier moment of
     * the shared machine weighs on both alike.
     */
    for (let load = 0; load < LOADS; load++) {
      for (const page of PAGES) {
        for (const mode of MODES) {
          const result = await firstVisit(
            browser,
            servers[mode.id].url,
            page.path,
            page.signedIn ? cookies[mode.id] : [],
            true
          )
          results[page.path] ??= {}
          results[page.path][mode.id] ??= []
          results[page.path][mode.id].push(result)
        }
      }
      ctx.log(
        `  load ${load + 1}: ${PAGES.map((page) => `${page.path} ${MODES.map((mode) => fmt(results[page.path][mode.id][load].fcp, 0)).join(' → ')} ms`).join(', ')}`
      )
    }
  } finally {
    await browser.close()
    for (const server of Object.values(servers)) await server.close()
    await deployment.stop()
  }
  const loadAfter = loadavg()

  const fcp = (path: string, mode: string) => median(results[path][mode].map((load) => load.fcp))
  const runsOf = (path: string, mode: string, key: keyof Load) =>
    results[path][mode].map((load) => fmt(load[key], 0)).join(' / ')
  const seconds = (ms: number) => `${fmt(ms / 1000, 2)} s`

  const rows = PAGES.map((page) => {
    const before = results[page.path].before
    const after = results[page.path].after
    return `| \`${page.path}\` | ${seconds(fcp(page.path, 'before'))} (${runsOf(page.path, 'before', 'fcp')}) | ${seconds(fcp(page.path, 'after'))} (${runsOf(page.path, 'after', 'fcp')}) | ${seconds(median(before.map((load) => load.live)))} → ${seconds(median(after.map((load) => load.live)))} | ${fmt(median(before.map((load) => load.htmlBytes)) / 1024, 1)} → ${fmt(median(after.map((load) => load.htmlBytes)) / 1024, 1)} KB | ${fmt(serverTimes[page.path].before, 1)} → ${fmt(serverTimes[page.path].after, 1)} ms | ${fcp(page.path, 'after') < TARGET_MS ? '✓' : '✗'} |`
  })
  const missed = PAGES.filter((page) => fcp(page.path, 'after') >= TARGET_MS)
  const live = (path: string, mode: string) => median(results[path][mode].map((load) => load.live))
  const liveChanges = PAGES.map(
    (page) =>
      `\`${page.path}\` ${fmt((live(page.path, 'after') - live(page.path, 'before')) / 1000, 2)} s`
  ).join(', ')

  return {
    id: 'paint',
    title: '10. First contentful paint on a slow phone',
    figures: [
      ...PAGES.map((page) => ({
        figure: `First contentful paint of \`${page.path}\`, slow 4G and 4× CPU, SSR`,
        value: `${seconds(fcp(page.path, 'after'))} (${seconds(fcp(page.path, 'before'))} rendered in the browser only)`,
        target: `< ${seconds(TARGET_MS)}`,
        met: fcp(page.path, 'after') < TARGET_MS,
      })),
    ],
    markdown: `
**Question**: on a slow phone, how soon does a first visit show the page,
with the pages rendered in the browser (as they were) and rendered on the
server and hydrated (\`inertia/ssr.ts\`)?

### How

\`bench/first_paint.ts\` (\`npm run bench -- --only paint\`) starts two web
processes of the same production build on the benchmark database, one with
\`INERTIA_SSR=false\` (the client-only shell: an empty element and the
page's data, rendered by the scripts: the HTML the app sent before SSR)
and one with SSR on, each behind a
small proxy that gzips HTML, scripts and styles as Traefik's \`compress\`
middleware does in production (\`bench/lib/compressing_proxy.ts\`; Traefik
may pick Brotli or zstd, slightly smaller). The shop has a connected
WhatsApp and ${CUSTOMERS} customers with ${texts.length} messages each; \`/dashboard\` and
\`/inbox\` are visited signed in (the session cookie set beforehand), \`/login\`
anonymously.

Chromium ${chromiumVersion} (Debian's, through playwright-core, headless) on the
machine below opens each page as a first
visit: a new browser context every time (empty cache), a phone's screen
(390 × 844, 2× pixels, touch), and through the Chrome DevTools Protocol
\`Network.emulateNetworkConditions\` (latency 150 ms, 1.6 Mbps down,
750 kbps up, DevTools' "slow 4G") and \`Emulation.setCPUThrottlingRate\`
(rate ${CPU_SLOWDOWN}). The figure is the page's \`first-contentful-paint\` entry
(\`performance.getEntriesByName\`); "live" is when the app has mounted or
hydrated (Vue's app on \`#app\`), when buttons start working. Each page was
visited once unthrottled first in each mode (a server in service has
rendered it before), then ${LOADS} loads per page and mode, alternating the
modes; the median is the figure, each load in brackets (ms). The HTML size
is the document's body as it came over the wire (gzip). "Server answer" is
the median time of ${SERVER_REQUESTS} requests for the page's HTML straight to the web
process (no proxy, no throttling, one at a time, the modes alternating):
what rendering on the server adds to its work.

### Results

| Page | FCP, browser only (before) | FCP, SSR (after) | Live, before → after | HTML, before → after | Server answer, before → after | < ${seconds(TARGET_MS)} |
| --- | ---: | ---: | ---: | ---: | ---: | :---: |
${rows.join('\n')}

${
  missed.length === 0
    ? `Every page paints under ${seconds(TARGET_MS)} with SSR.`
    : `**Missed** for ${missed.map((page) => `\`${page.path}\` (${seconds(fcp(page.path, 'after'))})`).join(', ')}: with SSR the first paint waits for the document and the stylesheet, two round trips of 150 ms plus their bytes at 1.6 Mbps, and for the server to render the page; what is left over is the throttled CPU parsing and laying out the page, and this shared machine's other work (see the load below).`
}

### Reading it

Without SSR nothing contentful can paint before the browser has downloaded,
parsed and run the scripts and rendered the page (the shell is an empty
element): the JavaScript on the critical path is what the slow link and CPU
cost. With SSR the page's HTML arrives with the document, and only the
stylesheet stands between it and the first paint (the module scripts are
deferred). The scripts still have to arrive and hydrate the page, so the
moment it is live hardly moves (hydrating a bigger page costs about what
rendering it did); after − before:
${liveChanges}.

Until then the forms show, and what is typed is kept (\`inertia/app.ts\`),
but their submit buttons stay disabled (\`app_button.vue\`): a tap on
another button does nothing yet.

Load average ${loadBefore.map((value) => value.toFixed(2)).join(' / ')} before, ${loadAfter.map((value) => value.toFixed(2)).join(' / ')} after.
`,
  }
}

/**
 * One first visit of `path` in a fresh context: answers its first
 * contentful paint, when the app was live, and the HTML's size on the wire.
 */
async function firstVisit(
  browser: Browser,
  base: string,
  path: string,
  cookies: { name: string; value: string; url: string }[],
  throttled: boolean
): Promise<Load> {
  const context: BrowserContext = await browser.newContext(PHONE)
  try {
    if (cookies.length) await context.addCookies(cookies)
    /**
     * When the app is live, noted from the start of the page (a string:
     * the bench compiles without the DOM's types; init scripts are not
     * subject to the page's CSP, unlike evaluated strings).
     */
    await context.addInitScript(
      `(function check() {
        const app = document.getElementById('app')
        if (app && '__vue_app__' in app) window.__liveAt = performance.now()
        else requestAnimationFrame(check)
      })()`
    )
    const page = await context.newPage()
    if (throttled) {
      const cdp = await context.newCDPSession(page)
      await cdp.send('Network.enable')
      await cdp.send('Network.emulateNetworkConditions', NETWORK)
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN })
    }
    const response = await page.goto(`${base}${path}`, { waitUntil: 'load', timeout: 120_000 })
    if (response?.status() !== 200) throw new Error(`${path} answered ${response?.status()}`)
    if (page.url() !== `${base}${path}`) throw new Error(`${path} went to ${page.url()}`)
    const liveHandle = await page.waitForFunction(() => (globalThis as any).__liveAt, undefined, {
      timeout: 120_000,
    })
    const live = (await liveHandle.jsonValue()) as number
    const fcpHandle = await page.waitForFunction(
      () =>
        (globalThis as any).performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      undefined,
      { timeout: 30_000 }
    )
    const fcp = (await fcpHandle.jsonValue()) as number
    const htmlBytes = await page.evaluate(
      () =>
        (globalThis as any).performance.getEntriesByType('navigation')[0].encodedBodySize as number
    )
    return { fcp, live, htmlBytes }
  } finally {
    await context.close()
  }
}
