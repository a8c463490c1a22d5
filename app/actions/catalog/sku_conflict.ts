import UserError from '#exceptions/user_error'

/**
 * Two saves racing for the same SKU: the unique index decides, and the
 * loser gets the same message as the validator's.
 */
export function rethrowSkuConflict(error: unknown): never {
  const { code, constraint } = error as { code?: string; constraint?: string }
  if (code === '23505' && constraint === 'products_business_sku_unique') {
    throw new UserError('catalog.errors.sku_taken', { field: 'sku' })
  }
  throw error
}
