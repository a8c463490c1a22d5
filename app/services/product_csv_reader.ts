import { parse } from 'csv-parse/sync'
import { errors as vineErrors } from '@vinejs/vine'
import type { I18n } from '@adonisjs/i18n'
import db from '@adonisjs/lucid/services/db'
import type Business from '#models/business'
import UserError from '#exceptions/user_error'
import { productRowValidator } from '#validators/product'

/**
 * Most rows one file may hold; bigger catalogs are imported in parts.
 */
export const MAX_IMPORT_ROWS = 5000

export const CSV_COLUMNS = ['title', 'description', 'price', 'sku', 'stock', 'image_url'] as const
type Column = (typeof CSV_COLUMNS)[number]

/**
 * Header names understood besides the English ones (Spanish spreadsheets).
 */
const HEADER_ALIASES: Record<string, Column> = {
  title: 'title',
  titulo: 'title',
  nombre: 'title',
  producto: 'title',
  description: 'description',
  descripcion: 'description',
  price: 'price',
  precio: 'price',
  sku: 'sku',
  codigo: 'sku',
  stock: 'stock',
  existencias: 'stock',
  inventario: 'stock',
  image_url: 'image_url',
  image: 'image_url',
  imagen: 'image_url',
  imagen_url: 'image_url',
  url_imagen: 'image_url',
  foto: 'image_url',
}

export type CsvProductRow = {
  /**
   * Line of the file where the row starts (the header is line 1).
   */
  line: number
  title: string
  description: string | null
  price: string
  sku: string | null
  stock: number | null
  imageUrl: string | null
}

export type CsvRowError = {
  line: number
  field: Column | null
  message: string
}

export type CsvReadResult = {
  rows: CsvProductRow[]
  errors: CsvRowError[]
  /**
   * Data rows in the file, valid or not.
   */
  totalRows: number
  ignoredColumns: string[]
}

function normalizeHeader(header: string) {
  return header
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
}

/**
 * Spreadsheets save UTF-8, or Windows-1252 (Excel in Spanish).
 */
function decode(contents: Buffer) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(contents)
  } catch {
    return new TextDecoder('windows-1252').decode(contents)
  }
}

/**
 * Excel in Spanish separates with ";", most tools with ",".
 */
function detectDelimiter(text: string) {
  const header = text.slice(0, text.search(/\r?\n|$/))
  const counts = [',', ';', '\t'].map((d) => [d, header.split(d).length] as const)
  return counts.sort((a, b) => b[1] - a[1])[0][0]
}

/**
 * Reads a products CSV (columns title, description, price, sku, stock,
 * image_url) into validated rows and row errors by line, translated for the
 * person importing. Problems with the file as a whole are UserErrors.
 */
export default class ProductCsvReader {
  async read(contents: Buffer, { business, i18n }: { business: Business; i18n: I18n }) {
    if (contents.includes(0)) {
      throw new UserError('catalog.import.errors.not_csv', { field: 'file' })
    }
    const text = decode(contents)

    let records: { record: string[]; info: { lines: number; empty_lines: number } }[]
    try {
      records = parse(text, {
        bom: true,
        info: true,
        delimiter: detectDelimiter(text),
        relax_column_count: true,
        skip_empty_lines: true,
        trim: true,
        to: MAX_IMPORT_ROWS + 2,
      }) as unknown as typeof records
    } catch (error) {
      throw new UserError('catalog.import.errors.malformed', {
        field: 'file',
        data: { line: (error as { lines?: number }).lines ?? 1 },
      })
    }

    const [headerRecord, ...dataRecords] = records
    if (!headerRecord || dataRecords.length === 0) {
      throw new UserError('catalog.import.errors.empty', { field: 'file' })
    }
    if (dataRecords.length > MAX_IMPORT_ROWS) {
      throw new UserError('catalog.import.errors.too_many_rows', {
        field: 'file',
        data: { max: MAX_IMPORT_ROWS },
      })
    }

    const headers = headerRecord.record.map((header) => HEADER_ALIASES[normalizeHeader(header)])
    const ignoredColumns = headerRecord.record.filter((header, i) => header && !headers[i])
    const missing = (['title', 'price'] as const).filter((column) => !headers.includes(column))
    if (missing.length > 0) {
      throw new UserError('catalog.import.errors.missing_columns', {
        field: 'file',
        data: { columns: missing.join(', ') },
      })
    }

    const messagesProvider = i18n.createMessagesProvider()
    const rows: CsvProductRow[] = []
    const errors: CsvRowError[] = []
    let previous = headerRecord.info

    for (const { record, info } of dataRecords) {
      const line = previous.lines + 1 + (info.empty_lines - previous.empty_lines)
      previous = info

      const raw: Partial<Record<Column, string | null>> = {}
      headers.forEach((column, i) => {
        if (column && raw[column] === undefined) {
          raw[column] = record[i] ? record[i] : null
        }
      })

      try {
        const valid = await productRowValidator.validate(raw, { messagesProvider })
        rows.push({
          line,
          title: valid.title,
          description: valid.description ?? null,
          price: valid.price,
          sku: valid.sku ?? null,
          stock: valid.stock ?? null,
          imageUrl: valid.image_url ?? null,
        })
      } catch (error) {
        if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) {
          throw error
        }
        for (const message of error.messages as { field: string; message: string }[]) {
          errors.push({ line, field: message.field as Column, message: message.message })
        }
      }
    }

    errors.push(...(await this.#skuConflicts(rows, business, i18n)))
    errors.sort((a, b) => a.line - b.line)

    const invalidLines = new Set(errors.map((error) => error.line))
    return {
      rows: rows.filter((row) => !invalidLines.has(row.line)),
      errors,
      totalRows: dataRecords.length,
      ignoredColumns,
    } satisfies CsvReadResult
  }

  /**
   * A SKU repeated in the file, or already in the catalog.
   */
  async #skuConflicts(rows: CsvProductRow[], business: Business, i18n: I18n) {
    const errors: CsvRowError[] = []
    const firstLine = new Map<string, number>()
    for (const row of rows) {
      if (!row.sku) continue
      const sku = row.sku.toLowerCase()
      const seen = firstLine.get(sku)
      if (seen !== undefined) {
        errors.push({
          line: row.line,
          field: 'sku',
          message: i18n.t('catalog.import.errors.sku_repeated', { sku: row.sku, line: seen }),
        })
      } else {
        firstLine.set(sku, row.line)
      }
    }

    const skus = [...firstLine.keys()]
    for (let start = 0; start < skus.length; start += 1000) {
      const existing = await business
        .related('products')
        .query()
        .whereRaw('lower(sku) = ANY(?)', [skus.slice(start, start + 1000)])
        .select(db.raw('lower(sku) as sku'))
        .pojo<{ sku: string }>()
      for (const { sku } of existing as { sku: string }[]) {
        const line = firstLine.get(sku)!
        const row = rows.find((candidate) => candidate.line === line)!
        errors.push({
          line,
          field: 'sku',
          message: i18n.t('catalog.import.errors.sku_exists', { sku: row.sku }),
        })
      }
    }
    return errors
  }
}
