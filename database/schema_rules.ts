import type { SchemaRules } from '@adonisjs/lucid/types/schema_generator'

/**
 * Rules for the generated database/schema.ts.
 */
export default {
  tables: {
    /**
     * Search columns are computed by PostgreSQL and only read in SQL.
     */
    products: {
      skipColumns: ['search_vector', 'search_text'],
    },
  },
} satisfies SchemaRules
