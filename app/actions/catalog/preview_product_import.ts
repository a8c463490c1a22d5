import { inject } from '@adonisjs/core'
import { I18n } from '@adonisjs/i18n'
import type Business from '#models/business'
import ProductCsvReader, { type CsvReadResult } from '#services/product_csv_reader'

/**
 * Errors listed in a preview; the count tells about the rest.
 */
const MAX_LISTED_ERRORS = 100
const SAMPLE_ROWS = 5

export type ImportPreview = ReturnType<typeof summarize>

export function summarize(result: CsvReadResult) {
  return {
    totalRows: result.totalRows,
    validRows: result.rows.length,
    errorCount: result.errors.length,
    errors: result.errors.slice(0, MAX_LISTED_ERRORS),
    ignoredColumns: result.ignoredColumns,
    imagesToFetch: result.rows.filter((row) => row.imageUrl).length,
    sample: result.rows.slice(0, SAMPLE_ROWS).map((row) => ({
      line: row.line,
      title: row.title,
      price: row.price,
      sku: row.sku,
      stock: row.stock,
      hasImage: Boolean(row.imageUrl),
    })),
  }
}

/**
 * What importing a CSV would do, without changing anything: rows read,
 * row errors by line, a sample.
 */
@inject()
export default class PreviewProductImport {
  constructor(
    private reader: ProductCsvReader,
    private i18n: I18n
  ) {}

  async handle({ business, contents }: { business: Business; contents: Buffer }) {
    return summarize(await this.reader.read(contents, { business, i18n: this.i18n }))
  }
}
