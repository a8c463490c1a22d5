/**
 * Benchmark 9, a voice note's way to its reply: the time from the
 * customer's webhook (the audio inline, as Evolution sends it) to the
 * gateway's sendText, minus the transcription endpoint's time and the
 * model's (both fakes with a fixed latency). What is left is Atiende's
 * own: storing the audio, the transcription job, the turn waiting for the
 * transcript and being brought forward, the model call's setup, sending.
 */
import { loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { upsert } from '#tests/fixtures/evolution_deliveries'
import { type BenchDatabase, Deployment, setUpBusiness } from './lib/deployment.js'
import type { BenchContext, Section } from './lib/report.js'
import { fmt, median, percentile, withRuns } from './lib/stats.js'
import { SendWaiter } from './lib/timed_fakes.js'

const NOTES = 40
const TRANSCRIPTION_MS = 400
const MODEL_MS = 300
/**
 * The customer of the fixtures' deliveries.
 */
const PHONE = '5215512345678'

export async function benchVoiceNotes(
  ctx: BenchContext,
  options: { database: BenchDatabase }
): Promise<Section> {
  const loadBefore = loadavg()
  const deployment = new Deployment(options.database)
  const web = await deployment.start()
  const business = await setUpBusiness(deployment, web, {
    name: 'Zapatería Audios',
    email: 'audios@bench.atiende.app',
    botEnabled: true,
    replyDelaySeconds: 0,
  })
  const replies = new SendWaiter(deployment.gateway)

  /**
   * Each fake's own time, from having read the request to answering it,
   * by the note's token (in the audio's bytes, then in its transcript).
   */
  const heardMs = new Map<string, number>()
  const modelMs = new Map<string, number>()
  const heardAt = new Map<string, number>()
  deployment.openai.transcribe = (request) => {
    const started = performance.now()
    const token = /\[(V[\w-]+)\]/.exec(request.fileBytes.toString('latin1'))?.[1] ?? 'unknown'
    heardAt.set(token, started)
    setTimeout(() => heardMs.set(token, performance.now() - started), TRANSCRIPTION_MS)
    return { text: `¿Tienen el de la foto en talla 26? [${token}]`, delayMs: TRANSCRIPTION_MS }
  }
  deployment.openai.chat = (request) => {
    const started = performance.now()
    const token =
      [...JSON.stringify(request.messages).matchAll(/\[(V[\w-]+)\]/g)].at(-1)?.[1] ?? 'unknown'
    setTimeout(() => modelMs.set(token, performance.now() - started), MODEL_MS)
    return { content: 'Sí, lo tenemos en talla 26. ¿Te lo aparto?', delayMs: MODEL_MS }
  }

  const deliver = async (token: string) => {
    const audio = Buffer.from(`OggS\u0000\u0002 opus voice note [${token}] `.padEnd(12_000, '.'))
    const response = await fetch(`${web.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...business.webhookHeaders },
      body: JSON.stringify({
        event: 'messages.upsert',
        instance: business.instanceName,
        data: upsert(`BENCH-VOICE-${token}`, {
          audioMessage: { mimetype: 'audio/ogg; codecs=opus', seconds: 6, ptt: true },
          base64: audio.toString('base64'),
        }),
        destination: 'http://127.0.0.1/webhooks/whatsapp',
        date_time: new Date().toISOString(),
        sender: '5215599990000@s.whatsapp.net',
        server_url: 'http://127.0.0.1:8080',
        apikey: null,
      }),
    })
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`)
    await response.arrayBuffer()
  }

  type Note = { overhead: number; total: number; toTranscription: number; afterTranscript: number }
  const oneNote = async (token: string): Promise<Note> => {
    const started = performance.now()
    await deliver(token)
    const answeredAt = await replies.replyTo(PHONE, 60_000, started)
    await sleep(5)
    const heard = heardMs.get(token) ?? TRANSCRIPTION_MS
    const model = modelMs.get(token) ?? MODEL_MS
    const total = answeredAt - started
    const transcribing = heardAt.get(token) ?? answeredAt
    return {
      total,
      overhead: total - heard - model,
      toTranscription: transcribing - started,
      afterTranscript: answeredAt - (transcribing + heard) - model,
    }
  }

  ctx.log('  warm-up: 5 voice notes')
  for (let index = 0; index < 5; index++) await oneNote(`VW-${index}`)
  const runs: Note[][] = []
  for (let run = 0; run < ctx.runs; run++) {
    const notes: Note[] = []
    for (let index = 0; index < NOTES; index++) {
      notes.push(await oneNote(`V-${run}-${index}`))
      await sleep(20)
    }
    runs.push(notes)
    const overheads = notes.map((note) => note.overhead)
    ctx.log(
      `  run ${run + 1}: overhead p50 ${fmt(percentile(overheads, 50))} ms, p95 ${fmt(percentile(overheads, 95))} ms`
    )
  }
  await deployment.stop()
  const loadAfter = loadavg()

  const at = (pick: (note: Note) => number, p: number) =>
    runs.map((notes) => percentile(notes.map(pick), p))
  const p95 = at((note) => note.overhead, 95)
  const p50 = at((note) => note.overhead, 50)

  return {
    id: 'voice',
    title: '9. Voice note to reply',
    figures: [
      {
        figure: 'Voice note overhead (webhook → sendText minus transcription and model), p95',
        value: `${fmt(median(p95))} ms (p50 ${fmt(median(p50))} ms)`,
        target: '< 50 ms',
        met: median(p95) < 50,
      },
    ],
    markdown: `
**Question**: when a customer sends a voice note, how much time does
Atiende add to the transcription endpoint's and the model's own? The turn
must wait for the transcript (never answering before it exists) without
adding a wait of its own.

**How**: \`bench/voice_notes.ts\`. The production build, one web process
with its workers, reply delay 0. A customer sends ${NOTES} voice notes per run, one
after another (each answered before the next): a 12 kB Ogg file inline in
the messages.upsert body, as Evolution sends it with base64 on. The fake
transcription endpoint (POST /v1/audio/transcriptions, multipart, as the
API documents it) answers after ${TRANSCRIPTION_MS} ms, the fake model after ${MODEL_MS} ms; each
fake's own time is measured from having read the request to answering. The
overhead is the time from sending the webhook to the sendText reaching the
fake gateway, minus those two. 5 warm-up notes first.

| per run | p50 | p95 |
| --- | ---: | ---: |
| overhead, ms | ${withRuns(p50, 1)} | ${withRuns(p95, 1)} |
| webhook → transcription request, ms | ${withRuns(
      at((note) => note.toTranscription, 50),
      1
    )} | ${withRuns(
      at((note) => note.toTranscription, 95),
      1
    )} |
| transcript → reply sent, minus the model, ms | ${withRuns(
      at((note) => note.afterTranscript, 50),
      1
    )} | ${withRuns(
      at((note) => note.afterTranscript, 95),
      1
    )} |
| whole, webhook → reply, ms | ${withRuns(
      at((note) => note.total, 50),
      0
    )} | ${withRuns(
      at((note) => note.total, 95),
      0
    )} |

**What it means**: the overhead splits in two: reaching the transcription
endpoint (the webhook stores the audio, the message_stored event queues the
transcription job, a worker picks it up and reads the file), and from the
transcript to the reply (the job writes it, brings the waiting turn
forward (its reply job made due at once), the turn builds the prompt and
sends). The turn itself never starts before the transcript: it looks for
unfinished transcripts of its burst and waits for them, and the finished
transcript makes its reply job due at once (it was a fixed 50 ms, plus a
20 ms wake-up margin, before this benchmark). The goal of 50 ms at p95 is
missed: a voice note takes two trips through the job queue where a text
takes one, and each half costs about what a whole text turn does
(benchmark 2). Running the transcription inside the webhook's process
without the queue, or the turn inside the transcription job, would save a
trip, at the price of the queue's retries and limits; not done yet.

*Load average ${loadBefore.map((value) => value.toFixed(2)).join(' / ')} before, ${loadAfter.map((value) => value.toFixed(2)).join(' / ')} after.*
`,
  }
}
