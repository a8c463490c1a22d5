import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The catalog. Prices are exact decimals in the business's currency.
 *
 * Search (see app/services/product_search.ts) needs two generated columns:
 * - search_vector: Spanish full-text (stemmed, accent- and case-insensitive),
 *   title and SKU weighted above the description;
 * - search_text: the unaccented, lower-cased title and SKU, for trigram
 *   matching of partial words and typos.
 * Both are GIN-indexed. Generated columns need IMMUTABLE functions, and
 * unaccent() is only STABLE (it reads its dictionary through the search
 * path), hence the wrapper that names the dictionary explicitly.
 */
export default class extends BaseSchema {
  protected tableName = 'products'

  async up() {
    this.schema.raw('CREATE EXTENSION IF NOT EXISTS pgcrypto')
    this.schema.raw('CREATE EXTENSION IF NOT EXISTS unaccent')
    this.schema.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    this.schema.raw(`
      CREATE OR REPLACE FUNCTION atiende_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
    `)

    this.schema.createTable(this.tableName, (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table
        .uuid('business_id')
        .notNullable()
        .references('id')
        .inTable('businesses')
        .onDelete('CASCADE')
      table.string('title', 200).notNullable()
      table.text('description').nullable()
      table.decimal('price', 12, 2).notNullable()
      table.string('sku', 64).nullable()
      /**
       * null: stock is not tracked for this product.
       */
      table.integer('stock').nullable()
      table.boolean('active').notNullable().defaultTo(true)
      table.string('image_key', 300).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.specificType(
        'search_vector',
        `tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('spanish', atiende_unaccent(title)), 'A') ||
          setweight(to_tsvector('simple', atiende_unaccent(coalesce(sku, ''))), 'A') ||
          setweight(to_tsvector('spanish', atiende_unaccent(coalesce(description, ''))), 'B')
        ) STORED`
      )
      table.specificType(
        'search_text',
        `text GENERATED ALWAYS AS (
          lower(atiende_unaccent(title || ' ' || coalesce(sku, '')))
        ) STORED`
      )

      /**
       * Lists are per business, newest first; also serves the foreign key.
       */
      table.index(['business_id', 'created_at'])
    })

    this.schema.raw('ALTER TABLE products ADD CONSTRAINT products_price_check CHECK (price >= 0)')
    this.schema.raw(
      'ALTER TABLE products ADD CONSTRAINT products_stock_check CHECK (stock IS NULL OR stock >= 0)'
    )
    /**
     * A SKU is unique inside its business, whatever its letter case.
     */
    this.schema.raw(
      'CREATE UNIQUE INDEX products_business_sku_unique ON products (business_id, lower(sku)) WHERE sku IS NOT NULL'
    )
    this.schema.raw(
      'CREATE INDEX products_search_vector_index ON products USING gin (search_vector)'
    )
    this.schema.raw(
      'CREATE INDEX products_search_text_index ON products USING gin (search_text gin_trgm_ops)'
    )
  }

  async down() {
    this.schema.dropTable(this.tableName)
    this.schema.raw('DROP FUNCTION IF EXISTS atiende_unaccent(text)')
  }
}
