import type { StrictValues } from '@adonisjs/lucid/types/querybuilder'

type Binding = string | number | boolean | Date | null | undefined

/**
 * Bindings for raw queries that may carry NULL: PostgreSQL takes it, but
 * Lucid's binding type leaves it out.
 */
export function sqlBindings(values: Binding[]): StrictValues[] {
  return values.map((value) => value ?? null) as unknown as StrictValues[]
}
