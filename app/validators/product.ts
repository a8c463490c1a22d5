import vine from '@vinejs/vine'
import { wellFormed } from '#validators/well_formed'
import type { FieldContext } from '@vinejs/vine/types'

/**
 * The largest price numeric(12,2) holds: ten digits, two decimals.
 */
const MONEY_PATTERN = /^(\d{1,10})(?:[.,](\d{1,2}))?$/

/**
 * An exact price as canonical decimal text ("1999.9" → "1999.90"). Accepts
 * a string (decimal point or comma, an optional leading "$") or a JSON
 * number, which is read as written, never through floating point math.
 */
export function parseMoney(value: unknown): string | null {
  let text: string
  if (typeof value === 'number' && Number.isFinite(value)) {
    text = String(value)
  } else if (typeof value === 'string') {
    text = value.trim().replace(/^\$\s*/, '')
  } else {
    return null
  }
  const match = text.match(MONEY_PATTERN)
  if (!match) {
    return null
  }
  const units = match[1].replace(/^0+(?=\d)/, '')
  const cents = (match[2] ?? '').padEnd(2, '0')
  return `${units}.${cents}`
}

const moneyRule = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  const money = parseMoney(value)
  if (money === null) {
    field.report('The {{ field }} must be an amount like 1999.99', 'money', field)
    return
  }
  field.mutate(money, field)
})

/**
 * Validated output: the canonical decimal string.
 */
const money = () =>
  vine
    .any()
    .use(moneyRule())
    .transform((value) => value as string)
const optionalMoney = () =>
  vine
    .any()
    .use(moneyRule())
    .optional()
    .transform((value) => value as string | undefined)

const title = () => vine.string().trim().minLength(1).maxLength(200)
const description = () => vine.string().trim().maxLength(5000)
const stock = () => vine.number().withoutDecimals().min(0).max(100_000_000)

/**
 * A SKU: no spaces at the ends, unique inside the business (any letter
 * case) — `meta.businessId` is the business, `meta.productId` the product
 * being edited, if any.
 */
const sku = () =>
  vine
    .string()
    .trim()
    .maxLength(64)
    .unique({
      table: 'products',
      column: 'sku',
      caseInsensitive: true,
      filter: (query, _, field) => {
        query.where('business_id', field.meta.businessId) // tenancy: root (vine's unique rule, of the business)
        if (field.meta.productId) {
          query.whereNot('id', field.meta.productId)
        }
      },
    })

const image = () => vine.file({ size: '5mb' })

type ProductMeta = { businessId: string; productId?: string }

export const createProductValidator = vine.withMetaData<ProductMeta>().create({
  title: title(),
  description: description().nullable().optional(),
  price: money(),
  sku: sku().nullable().optional(),
  stock: stock().nullable().optional(),
  active: vine.boolean().optional(),
  image: image().optional(),
})

export const updateProductValidator = vine.withMetaData<ProductMeta>().create({
  title: title().optional(),
  description: description().nullable().optional(),
  price: optionalMoney(),
  sku: sku().nullable().optional(),
  stock: stock().nullable().optional(),
  active: vine.boolean().optional(),
  image: image().optional(),
  removeImage: vine.boolean().optional(),
})

/**
 * The business a JSON request works in (`business_id`). Its ownership is
 * checked by the controller (another tenant's id is a 404).
 */
export const productBusinessValidator = vine.create({
  business_id: vine.string().trim(),
})

export const productListValidator = vine.create({
  business_id: vine.string().trim(),
  q: vine.string().trim().maxLength(200).optional(),
  page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
  perPage: vine.number().withoutDecimals().min(1).max(100).optional(),
})

export const catalogPageValidator = vine.create({
  q: vine.string().trim().maxLength(200).optional(),
  page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
})

/**
 * One row of a CSV import (strings as read from the file).
 */
export const productRowValidator = vine.create({
  title: title(),
  description: description().nullable().optional(),
  price: money(),
  sku: vine.string().trim().maxLength(64).nullable().optional(),
  stock: stock().nullable().optional(),
  image_url: vine
    .string()
    .trim()
    .maxLength(2000)
    .use(wellFormed({ as: 'url' }))
    .url({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
    .nullable()
    .optional(),
})

export const productCsvValidator = vine.create({
  file: vine.file({ size: '5mb', extnames: ['csv', 'txt'] }),
})
