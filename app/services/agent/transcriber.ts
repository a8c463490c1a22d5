import { setTimeout as sleep } from 'node:timers/promises'
import OpenAI, { toFile } from 'openai'
import agentConfig from '#config/agent'
import type Business from '#models/business'
import { AiProvider } from '#services/ai_provider'
import {
  classifyModelError,
  ModelKeyRejectedError,
  ModelUnavailableError,
} from '#services/agent/agent_errors'

export type TranscriptionModel = (typeof agentConfig.transcription.models)[number]

export type Transcript = {
  text: string
  /**
   * The audio's length as the provider measured it, when it says.
   */
  seconds: number | null
}

/**
 * Speech to text with the business's own key, through the `openai` SDK's
 * transcription endpoint and the same provider URL as the chat model.
 * WhatsApp's audio/ogg (opus) is one of the endpoint's formats: the file
 * goes as it is. 429, 5xx and timeouts are retried on `retryDelaysMs`
 * (a customer waits for the reply: about 20 s in all); a rejected key is
 * not.
 */
export class Transcriber {
  #retryDelaysMs: number[]

  constructor(options: { retryDelaysMs?: number[] } = {}) {
    this.#retryDelaysMs = options.retryDelaysMs ?? [2_000, 5_000, 12_000]
  }

  async transcribe(
    business: Business,
    audio: { bytes: Uint8Array; mimetype: string; fileName: string }
  ): Promise<Transcript> {
    const apiKey = business.revealOpenaiApiKey()
    if (!apiKey) throw new ModelKeyRejectedError('The business has no OpenAI key')

    const client = new OpenAI({
      apiKey,
      ...AiProvider.connectionFor(business),
      timeout: agentConfig.transcription.timeoutMs,
      maxRetries: 0,
    })
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await client.audio.transcriptions.create({
          file: await toFile(audio.bytes, audio.fileName, { type: baseMime(audio.mimetype) }),
          model: business.transcriptionModel,
          language: business.locale === 'en' ? 'en' : 'es',
          response_format: 'json',
        })
        return {
          text: result.text.trim(),
          seconds: result.usage?.type === 'duration' ? result.usage.seconds : null,
        }
      } catch (error) {
        const kind = classifyModelError(error)
        if (kind === 'rejected') {
          throw new ModelKeyRejectedError('The provider rejected the key', { cause: error })
        }
        if (kind === 'fatal' || attempt >= this.#retryDelaysMs.length) {
          throw new ModelUnavailableError(
            `The transcription failed: ${(error as Error)?.message ?? 'unknown error'}`.slice(
              0,
              300
            ),
            { cause: error }
          )
        }
        await sleep(this.#retryDelaysMs[attempt])
      }
    }
  }
}

/**
 * What a minute of audio costs with a model (USD, 6 decimals as text).
 */
export function transcriptionCost(model: string, seconds: number) {
  const perMinute =
    agentConfig.transcription.pricesPerMinute[model] ??
    agentConfig.transcription.pricesPerMinute[agentConfig.transcription.defaultModel]
  return ((perMinute * seconds) / 60).toFixed(6)
}

/**
 * "audio/ogg; codecs=opus" → "audio/ogg": the endpoint reads the type.
 */
function baseMime(mimetype: string) {
  return mimetype.split(';')[0].trim() || 'application/octet-stream'
}
