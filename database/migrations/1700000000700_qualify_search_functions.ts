import { BaseSchema } from '@adonisjs/lucid/schema'

const searchWords = (unaccent: string) => `
  CREATE OR REPLACE FUNCTION atiende_search_words(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(regexp_replace(${unaccent}($1), '[[:punct:]]+', ' ', 'g')) $$
`

/**
 * pg_restore runs with an empty search_path: a function reached by a
 * generated column must name the schema of what it calls, or a backup
 * cannot be restored ("function atiende_unaccent(text) does not exist").
 * Same result, so the stored columns stay valid.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(searchWords('public.atiende_unaccent'))
  }

  async down() {
    this.schema.raw(searchWords('atiende_unaccent'))
  }
}
