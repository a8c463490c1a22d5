import { BaseSchema } from '@adonisjs/lucid/schema'

const SEARCH_VECTOR = `tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('spanish', atiende_search_words(title)), 'A') ||
  setweight(to_tsvector('simple', atiende_search_words(coalesce(sku, ''))), 'A') ||
  setweight(to_tsvector('spanish', atiende_search_words(coalesce(description, ''))), 'B')
) STORED`

const SEARCH_TEXT = `text GENERATED ALWAYS AS (
  atiende_search_words(title || ' ' || coalesce(sku, ''))
) STORED`

/**
 * Search columns read words the way search queries do: letters and digits
 * separated by anything else. PostgreSQL's parser reads "ZAP-01" as "zap"
 * and the number "-01", so a search for "zap-01" (the words "zap" and
 * "01") missed it; punctuation now separates words before parsing.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE OR REPLACE FUNCTION atiende_search_words(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT lower(regexp_replace(atiende_unaccent($1), '[[:punct:]]+', ' ', 'g')) $$
    `)
    this.schema.raw('ALTER TABLE products DROP COLUMN search_vector, DROP COLUMN search_text')
    this.schema.raw(
      `ALTER TABLE products ADD COLUMN search_vector ${SEARCH_VECTOR}, ADD COLUMN search_text ${SEARCH_TEXT}`
    )
    this.schema.raw(
      'CREATE INDEX products_search_vector_index ON products USING gin (search_vector)'
    )
    this.schema.raw(
      'CREATE INDEX products_search_text_index ON products USING gin (search_text gin_trgm_ops)'
    )
  }

  async down() {
    this.schema.raw('ALTER TABLE products DROP COLUMN search_vector, DROP COLUMN search_text')
    this.schema.raw(`ALTER TABLE products
      ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('spanish', atiende_unaccent(title)), 'A') ||
        setweight(to_tsvector('simple', atiende_unaccent(coalesce(sku, ''))), 'A') ||
        setweight(to_tsvector('spanish', atiende_unaccent(coalesce(description, ''))), 'B')
      ) STORED,
      ADD COLUMN search_text text GENERATED ALWAYS AS (
        lower(atiende_unaccent(title || ' ' || coalesce(sku, '')))
      ) STORED`)
    this.schema.raw(
      'CREATE INDEX products_search_vector_index ON products USING gin (search_vector)'
    )
    this.schema.raw(
      'CREATE INDEX products_search_text_index ON products USING gin (search_text gin_trgm_ops)'
    )
    this.schema.raw('DROP FUNCTION IF EXISTS atiende_search_words(text)')
  }
}
