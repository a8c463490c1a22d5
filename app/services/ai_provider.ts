import OpenAI from 'openai'
import env from '#start/env'
import type Business from '#models/business'

export type KeyCheck = 'valid' | 'rejected' | 'unreachable'

/**
 * One way in to the model provider for everything that is not the agent
 * loop: which URL a business talks to, and whether a key works there.
 */
export class AiProvider {
  /**
   * The business's own OpenAI-compatible URL, else OPENAI_BASE_URL, else
   * the SDK's default (the official API).
   */
  static baseUrlFor(business: Pick<Business, 'openaiBaseUrl'>) {
    return business.openaiBaseUrl || env.get('OPENAI_BASE_URL') || undefined
  }

  /**
   * Lists models with the key: 401/403 mean the provider rejected it;
   * network errors, timeouts and 5xx mean we could not tell.
   */
  async checkKey(apiKey: string, baseUrl?: string | null): Promise<KeyCheck> {
    const client = new OpenAI({
      apiKey,
      baseURL: baseUrl || env.get('OPENAI_BASE_URL') || undefined,
      timeout: 15_000,
      maxRetries: 1,
    })

    try {
      await client.models.list()
      return 'valid'
    } catch (error) {
      if (
        error instanceof OpenAI.AuthenticationError ||
        error instanceof OpenAI.PermissionDeniedError
      ) {
        return 'rejected'
      }
      if (error instanceof OpenAI.NotFoundError) {
        return 'rejected'
      }
      return 'unreachable'
    }
  }
}
