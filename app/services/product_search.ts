import type Business from '#models/business'
import Product from '#models/product'
import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'

export type ProductSearchOptions = {
  limit?: number
  offset?: number
  /**
   * Highest price included, as an exact decimal string ("1999.99").
   */
  maxPrice?: string
  /**
   * Only products on sale (what the agent may offer).
   */
  activeOnly?: boolean
}

/**
 * The searchable words of a query: letters and digits only, without
 * accents, lower-cased. Nothing else ever reaches a tsquery, so quotes,
 * operators and SQL metacharacters in a query are plain separators.
 */
export function searchTokens(query: string) {
  return (
    query
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)
      ?.map((token) => token.slice(0, 40))
      .slice(0, 10) ?? []
  )
}

type Match = {
  /**
   * Every word (as a prefix), or any of them.
   */
  tsquery: string
  /**
   * The query for trigram matching, or null for full-text only.
   */
  fuzzy: string | null
}

/**
 * Product search for the catalog page and the AI agent's search_products
 * tool, inside one business:
 * - Spanish full-text search on the title, SKU and description (stemmed:
 *   "zapatos rojos" finds "Zapato rojo"; accent- and case-insensitive:
 *   "camion" finds "Camión"), each word also as a prefix ("zapat");
 * - when no product has every word: products with any of them, or with
 *   a title close to the query by trigram similarity (typos: "zapatso").
 * Ranked by relevance; indexed (GIN on the generated search columns).
 * bench/product_search.mjs times it on 10,000 products.
 */
export default class ProductSearch {
  /**
   * The best matches, most relevant first.
   */
  async search(business: Business, query: string, options: ProductSearchOptions = {}) {
    const { rows } = await this.#run(business, query, options, false)
    return rows
  }

  /**
   * One page of matches and how many there are in all. Without a query:
   * the whole catalog, newest first.
   */
  async paginate(
    business: Business,
    query: string,
    { page, perPage, ...options }: ProductSearchOptions & { page: number; perPage: number }
  ) {
    const { rows, total } = await this.#run(
      business,
      query,
      { ...options, limit: perPage, offset: (page - 1) * perPage },
      true
    )
    return {
      rows,
      meta: {
        total,
        perPage,
        currentPage: page,
        lastPage: Math.max(1, Math.ceil(total / perPage)),
      },
    }
  }

  async #run(business: Business, query: string, options: ProductSearchOptions, count: boolean) {
    const tokens = searchTokens(query)
    if (tokens.length === 0) {
      return this.#fetch(business, null, options, count)
    }

    /**
     * Every word, each as a prefix: served by the full-text index alone.
     */
    const prefixes = tokens.map((token) => `${token}:*`)
    const found = await this.#fetch(
      business,
      { tsquery: prefixes.join(' & '), fuzzy: null },
      options,
      count
    )
    if (found.total > 0 || found.rows.length > 0) {
      return found
    }

    /**
     * Nothing has them all: any of the words, or a title close to the
     * query (typos). Here a word needs three characters: as a prefix, "1"
     * or "b" (from "<b>" or "alert(1)") would match most of a catalog.
     * Trigram similarity needs three characters to mean anything too.
     */
    const words = [...new Set(tokens)].filter((token) => token.length >= 3)
    if (words.length === 0) return { rows: [], total: 0 }
    const text = words.join(' ')
    return this.#fetch(
      business,
      { tsquery: words.map((word) => `${word}:*`).join(' | '), fuzzy: text },
      options,
      count
    )
  }

  async #fetch(
    business: Business,
    match: Match | null,
    options: ProductSearchOptions,
    count: boolean
  ) {
    const filtered = () => {
      const builder = business.related('products').query()
      this.#filter(builder, match, options)
      return builder
    }

    const rows = filtered()
      .select(
        Product.$columns.map((column) => `products.${Product.$getColumn(column)!.columnName}`)
      )
      .limit(Math.min(Math.max(options.limit ?? 20, 1), 100))
      .offset(Math.max(options.offset ?? 0, 0))

    /**
     * Whole words ("camisa") rank above words they only start
     * ("camiseta"); close titles count in the fallback.
     */
    if (match) {
      const score = [
        `ts_rank_cd(products.search_vector, to_tsquery('spanish', ?), 1)`,
        `ts_rank_cd(products.search_vector, to_tsquery('spanish', ?), 1)`,
        ...(match.fuzzy ? ['word_similarity(?, products.search_text)'] : []),
      ].join(' + ')
      rows.orderByRaw(`${score} DESC`, [
        match.tsquery,
        match.tsquery.replaceAll(':*', ''),
        ...(match.fuzzy ? [match.fuzzy] : []),
      ])
    }
    if (match) {
      rows.orderBy('products.title')
    } else {
      rows.orderBy('products.created_at', 'desc').orderBy('products.id')
    }

    if (!count) {
      return { rows: await rows, total: -1 }
    }
    const [page, totals] = await Promise.all([rows, filtered().count('* as total')])
    return { rows: page, total: Number(totals[0].$extras.total) }
  }

  #filter(
    builder: ModelQueryBuilderContract<typeof Product>,
    match: Match | null,
    options: ProductSearchOptions
  ) {
    if (options.activeOnly) {
      builder.where('products.active', true)
    }
    if (options.maxPrice !== undefined) {
      builder.where('products.price', '<=', options.maxPrice)
    }
    if (match) {
      builder.where((where) => {
        where.whereRaw(`products.search_vector @@ to_tsquery('spanish', ?)`, [match.tsquery])
        if (match.fuzzy) {
          where.orWhereRaw(`? <% products.search_text`, [match.fuzzy])
        }
      })
    }
  }
}
