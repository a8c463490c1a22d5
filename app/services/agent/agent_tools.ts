import agentConfig from '#config/agent'
import vine, { errors as vineErrors } from '@vinejs/vine'
import type Business from '#models/business'
import type Product from '#models/product'
import ProductSearch from '#services/product_search'
import { isUuid } from '#models/user'
import type { ToolDefinition } from '#services/agent/agent_model'

/**
 * What the tools need from the turn they run in.
 */
export type ToolContext = {
  business: Business
  /**
   * Adds a product photo to the reply: it goes out with it, before its
   * text, once the gate lets the reply through (never during the turn).
   * Absent when nothing may be sent (dry runs), where the photo is only
   * described.
   */
  sendProductImage?: (
    product: Product,
    caption: string | null
  ) => Promise<{ sent: boolean; error?: string }>
  /**
   * Pauses the bot here and asks a person to take over.
   */
  handoff?: (reason: string) => Promise<void>
}

export type ToolCallRecord = {
  name: string
  arguments: unknown
  result: unknown
}

/**
 * The tools the model gets, with these exact names. Every one of them works
 * inside the turn's business only: another business's product id is the
 * same "not found" as an unknown one. Prices and stock always come from the
 * database.
 */
export const AGENT_TOOLS: ToolDefinition[] = [
  {
    type: 'function',
    function: {
      name: 'search_products',
      description:
        'Search the catalog of this business. Returns up to 8 matching products with their current price and stock. Use it before talking about any product, price or availability.',
      parameters: {
        type: 'object',
        properties: {
          query: {
            type: 'string',
            description: 'What the customer is looking for, in their words',
          },
          max_price: {
            type: 'number',
            description: 'Optional highest price, in the business currency',
          },
        },
        required: ['query'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_product',
      description:
        'Get one product in full (description, price, stock) by its id from search_products.',
      parameters: {
        type: 'object',
        properties: { product_id: { type: 'string' } },
        required: ['product_id'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'send_product_image',
      description: `Send the product's photo to the customer on WhatsApp (it goes out right before your reply), with an optional short caption. At most ${agentConfig.maxPhotosPerTurn} photos per reply.`,
      parameters: {
        type: 'object',
        properties: {
          product_id: { type: 'string' },
          caption: { type: 'string', description: 'Optional short caption' },
        },
        required: ['product_id'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'handoff_to_human',
      description:
        'Hand the conversation to a person of the business: when the customer asks for one, is upset, wants something you cannot do or know, or to close a sale that needs a person. After calling it, tell the customer briefly that a person will continue.',
      parameters: {
        type: 'object',
        properties: {
          reason: { type: 'string', description: 'Why a person is needed, for the team' },
        },
        required: ['reason'],
        additionalProperties: false,
      },
    },
  },
]

const searchArgs = vine.create({
  query: vine.string().trim().minLength(1).maxLength(200),
  max_price: vine.number().min(0).max(9_999_999_999).optional(),
})
const productArgs = vine.create({ product_id: vine.string().trim().maxLength(64) })
const imageArgs = vine.create({
  product_id: vine.string().trim().maxLength(64),
  caption: vine.string().trim().maxLength(300).optional(),
})
const handoffArgs = vine.create({ reason: vine.string().trim().minLength(1).maxLength(500) })

export class AgentTools {
  constructor(private search: ProductSearch = new ProductSearch()) {}

  /**
   * Runs one tool call. Bad arguments and unknown tools are answered to the
   * model as errors it can correct, never thrown.
   */
  async execute(name: string, rawArguments: unknown, context: ToolContext): Promise<unknown> {
    try {
      switch (name) {
        case 'search_products':
          return await this.#searchProducts(await searchArgs.validate(rawArguments), context)
        case 'get_product':
          return await this.#getProduct(await productArgs.validate(rawArguments), context)
        case 'send_product_image':
          return await this.#sendProductImage(await imageArgs.validate(rawArguments), context)
        case 'handoff_to_human':
          return await this.#handoff(await handoffArgs.validate(rawArguments), context)
        default:
          return { error: `Unknown tool ${name}` }
      }
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        return { error: 'Invalid arguments', details: error.messages }
      }
      throw error
    }
  }

  async #searchProducts(args: { query: string; max_price?: number }, { business }: ToolContext) {
    const products = await this.search.search(business, args.query, {
      limit: 8,
      activeOnly: true,
      maxPrice: args.max_price !== undefined ? args.max_price.toFixed(2) : undefined,
    })
    return {
      currency: business.currency,
      results: products.map((product) => summary(product, business)),
    }
  }

  async #getProduct(args: { product_id: string }, { business }: ToolContext) {
    const product = await findProduct(business, args.product_id)
    if (!product) return { error: 'Product not found' }
    return { ...summary(product, business), description: product.description ?? '' }
  }

  async #sendProductImage(args: { product_id: string; caption?: string }, context: ToolContext) {
    const product = await findProduct(context.business, args.product_id)
    if (!product) return { error: 'Product not found' }
    if (!product.imageKey) return { error: 'This product has no photo' }
    if (!context.sendProductImage) {
      return { sent: false, note: 'Preview only: nothing is sent in this mode' }
    }
    const { sent, error } = await context.sendProductImage(product, args.caption ?? null)
    return sent
      ? { sent: true, note: 'The photo goes out right before your reply' }
      : { sent: false, error: error ?? 'The photo could not be sent' }
  }

  async #handoff(args: { reason: string }, context: ToolContext) {
    await context.handoff?.(args.reason)
    return {
      handed_off: true,
      instruction: 'Tell the customer briefly that a person will continue.',
    }
  }
}

async function findProduct(business: Business, productId: string) {
  if (!isUuid(productId)) return null
  return business.related('products').query().where('id', productId).first()
}

function summary(product: Product, business: Business) {
  return {
    id: product.id,
    title: product.title,
    price: product.price,
    price_text: formatPrice(product.price, business),
    stock: product.stock,
    in_stock: product.stock === null ? true : product.stock > 0,
    short_description: (product.description ?? '').replace(/\s+/g, ' ').slice(0, 160),
    has_photo: product.imageKey !== null,
  }
}

export function formatPrice(price: string, business: Business) {
  return new Intl.NumberFormat(business.locale === 'en' ? 'en-US' : 'es-MX', {
    style: 'currency',
    currency: business.currency,
  }).format(Number(price))
}
