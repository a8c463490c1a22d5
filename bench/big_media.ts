/**
 * Benchmark 7 (memory of a big delivery): the gateway inlines a whole
 * video in one webhook POST. An 80 MB body (a 60 MB video as base64) is
 * posted to the production build, as the gateway does, while the web
 * process's RSS is sampled; the file must end in storage whole.
 */
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { Deployment, type BenchDatabase, setUpBusiness } from './lib/deployment.js'
import { rssMb, sampleRss } from './lib/processes.js'
import type { BenchContext, Section } from './lib/report.js'
import { fmt, max, median, withRuns } from './lib/stats.js'

const VIDEO_BYTES = 60 * 1024 * 1024

export async function benchBigMedia(
  ctx: BenchContext,
  options: { database: BenchDatabase }
): Promise<Section> {
  const deployment = new Deployment(options.database)
  const web = await deployment.start()
  const business = await setUpBusiness(deployment, web, {
    name: 'Tienda Video',
    email: 'video@bench.atiende.app',
    botEnabled: false,
  })
  const video = randomBytes(VIDEO_BYTES).toString('base64')

  type Run = { before: number; peak: number; ms: number; bodyMb: number; stored: boolean }
  const runs: Run[] = []
  for (let index = 0; index < ctx.runs; index++) {
    const id = `BENCH-VIDEO-${index + 1}`
    const body = Buffer.from(
      JSON.stringify({
        event: 'messages.upsert',
        instance: business.instanceName,
        data: {
          key: { remoteJid: '5215512345678@s.whatsapp.net', fromMe: false, id, participant: '' },
          pushName: 'Giovanna',
          status: 'DELIVERY_ACK',
          message: {
            videoMessage: { mimetype: 'video/mp4', caption: 'Así llegó', seconds: 95 },
            base64: video,
          },
          messageType: 'videoMessage',
          messageTimestamp: Math.floor(Date.now() / 1000),
          instanceId: '00000000-0000-0000-0000-000000000001',
          source: 'android',
        },
        destination: 'http://127.0.0.1/webhooks/whatsapp',
        date_time: new Date().toISOString(),
        sender: '5215599990000@s.whatsapp.net',
        server_url: 'http://127.0.0.1:8080',
        apikey: null,
      })
    )
    const before = rssMb(web.pid) ?? 0
    const rss = sampleRss(web.pid, 20)
    const started = performance.now()
    const status = await post(web.url, body, business.webhookHeaders)
    const ms = performance.now() - started
    const samples = rss.stop()
    if (status !== 200) throw new Error(`the delivery answered ${status}`)
    const {
      rows: [row],
    } = await options.database.query<{ media_status: string; media_key: string | null }>(
      'SELECT media_status, media_key FROM messages WHERE gateway_message_id = $1',
      [id]
    )
    runs.push({
      before,
      peak: max(samples),
      ms,
      bodyMb: body.length / 1024 / 1024,
      stored: row?.media_status === 'ready' && row.media_key !== null,
    })
    ctx.log(
      `  run ${index + 1}: ${fmt(body.length / 1024 / 1024, 0)} MB body in ${fmt(ms, 0)} ms; RSS ${fmt(before, 0)} → peak ${fmt(max(samples), 0)} MB; stored ${runs.at(-1)!.stored}`
    )
  }
  await deployment.stop()

  const peaks = runs.map((run) => run.peak)
  const growth = runs.map((run) => run.peak - run.before)
  const bodyMb = runs[0].bodyMb
  return {
    id: 'big-media',
    title: '7. Memory of the web process on an 80 MB delivery',
    figures: [
      {
        figure: `Web process RSS peak on one ${fmt(bodyMb, 0)} MB delivery (a 60 MB video)`,
        value: `${fmt(median(peaks), 0)} MB (+${fmt(median(growth), 0)} MB over idle)`,
        target: '< 300 MB, growth < body size',
        met: median(peaks) < 300 && median(growth) < bodyMb,
      },
    ],
    markdown: `
**Question**: the gateway inlines a whole file in one POST, whatever its size
(a 60 MB video is an 80 MB JSON body). Does the web process hold it in
memory — a buffered body, its string, the parsed object and the decoded
bytes would be four copies, some 300 MB?

**Setup**: the production build; one delivery of ${fmt(bodyMb, 1)} MB
(\`messages.upsert\` of a ${VIDEO_BYTES / 1024 / 1024} MB random video as base64, the local
disk as storage), posted over one connection as the gateway does; VmRSS of the
web process sampled every 20 ms from just before the POST until its answer.
Every run's file was found stored (\`media_status\` ready):
${runs.every((run) => run.stored) ? 'yes' : 'NO'}.

| | per run |
| --- | ---: |
| RSS before, MB | ${withRuns(
      runs.map((run) => run.before),
      0
    )} |
| RSS peak, MB | ${withRuns(peaks, 0)} |
| growth, MB | ${withRuns(growth, 0)} |
| answered in, ms | ${withRuns(
      runs.map((run) => run.ms),
      0
    )} |

The webhook route does not use the body parser: the body is read as it
streams in, every long \`"base64":"…"\` value decoded straight to a
temporary file (\`app/services/whatsapp/webhook_body.ts\`) and the rest of
the JSON parsed as usual; the file goes to storage as a stream. Files over
${100} MB (the cap) are counted, not kept: the message and its caption are
stored as "too large".
`,
  }
}

function post(url: string, body: Buffer, headers: Record<string, string>) {
  return new Promise<number>((resolve, reject) => {
    const outgoing = request(
      `${url}/webhooks/whatsapp`,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': body.length },
      },
      (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
      }
    )
    outgoing.on('error', reject)
    /**
     * In 1 MB writes, as a socket would carry it.
     */
    for (let at = 0; at < body.length; at += 1024 * 1024) {
      outgoing.write(body.subarray(at, at + 1024 * 1024))
    }
    outgoing.end()
  })
}
