import { setTimeout as sleep } from 'node:timers/promises'
import { ChatOpenAI } from '@langchain/openai'
import type { AIMessage, BaseMessage } from '@langchain/core/messages'
import logger from '@adonisjs/core/services/logger'
import agentConfig from '#config/agent'
import type Business from '#models/business'
import { AiProvider } from '#services/ai_provider'
import {
  classifyModelError,
  ModelKeyRejectedError,
  ModelUnavailableError,
  TurnAbortedError,
} from '#services/agent/agent_errors'

export type ToolDefinition = {
  type: 'function'
  function: { name: string; description: string; parameters: Record<string, unknown> }
}

export type ModelUsage = { promptTokens: number; completionTokens: number }

/**
 * The business's model through LangChain's ChatOpenAI (Chat Completions
 * with tool calling, not streamed: token counts come from the provider's
 * usage). The owner's key is decrypted here, in memory, per call. Retries
 * are ours (the client's own are off): transient failures are retried on
 * agentConfig.retryDelaysMs, a rejected key is not.
 */
export type AgentModelOptions = {
  timeoutMs?: number
  retryDelaysMs?: number[]
  sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown>
}

export class AgentModel {
  #timeoutMs: number
  #retryDelaysMs: number[]
  #sleep: (ms: number, signal?: AbortSignal) => Promise<unknown>

  constructor(options: AgentModelOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? agentConfig.timeoutMs
    this.#retryDelaysMs = options.retryDelaysMs ?? agentConfig.retryDelaysMs
    this.#sleep = options.sleep ?? ((ms, signal) => sleep(ms, undefined, { signal }))
  }

  async complete(
    business: Business,
    messages: BaseMessage[],
    tools: ToolDefinition[] | null,
    options: { signal?: AbortSignal } = {}
  ): Promise<{ message: AIMessage; usage: ModelUsage }> {
    const { signal } = options
    const apiKey = business.revealOpenaiApiKey()
    if (!apiKey) {
      throw new ModelKeyRejectedError('The business has no OpenAI key')
    }

    const chat = new ChatOpenAI({
      model: business.openaiModel,
      apiKey,
      configuration: AiProvider.connectionFor(business),
      timeout: this.#timeoutMs,
      maxRetries: 0,
      streaming: false,
      useResponsesApi: false,
      temperature: 0.3,
    })
    const runnable = tools ? chat.bindTools(tools) : chat

    const delays = this.#retryDelaysMs
    for (let attempt = 0; ; attempt++) {
      try {
        signal?.throwIfAborted()
        const message = (await runnable.invoke(messages, { signal })) as AIMessage
        const usage = message.usage_metadata
        return {
          message,
          usage: {
            promptTokens: usage?.input_tokens ?? 0,
            completionTokens: usage?.output_tokens ?? 0,
          },
        }
      } catch (error) {
        if (signal?.aborted) {
          throw new TurnAbortedError('The turn was aborted', { cause: error })
        }
        const kind = classifyModelError(error)
        if (kind === 'rejected') {
          throw new ModelKeyRejectedError('The provider rejected the key', { cause: error })
        }
        if (kind === 'fatal' || attempt >= delays.length) {
          throw new ModelUnavailableError(
            `The model failed: ${(error as Error)?.message ?? 'unknown error'}`.slice(0, 300),
            { cause: error }
          )
        }
        logger.warn(
          { businessId: business.id, attempt, status: (error as { status?: number })?.status },
          'model call failed, retrying'
        )
        await this.#sleep(delays[attempt], signal).catch((aborted) => {
          throw new TurnAbortedError('The turn was aborted', { cause: aborted })
        })
      }
    }
  }
}
