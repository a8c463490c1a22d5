import { readFile } from 'node:fs/promises'
import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import PreviewProductImport from '#actions/catalog/preview_product_import'
import ImportProducts from '#actions/catalog/import_products'
import BusinessPolicy from '#policies/business_policy'
import { CSV_COLUMNS, MAX_IMPORT_ROWS } from '#services/product_csv_reader'
import { productCsvValidator } from '#validators/product'

/**
 * Bulk import from a CSV file: upload → preview → confirm. The page keeps
 * the chosen file and sends it to both steps; nothing is stored between.
 */
export default class ProductImportsController {
  async show({ inertia, business, bouncer }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    return inertia.render('catalog/import', {
      currency: business.currency,
      columns: [...CSV_COLUMNS],
      maxRows: MAX_IMPORT_ROWS,
    })
  }

  /**
   * JSON for the page: what the import would do.
   */
  @inject()
  async preview({ request, business, bouncer }: HttpContext, previewImport: PreviewProductImport) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const { file } = await request.validateUsing(productCsvValidator)
    const preview = await previewImport.handle({
      business,
      contents: await readFile(file.tmpPath!),
    })
    return { preview }
  }

  /**
   * JSON for the page: `{ imported }`, or 422 with the row errors that
   * stopped the import (nothing was imported).
   */
  @inject()
  async store(
    { request, response, business, bouncer, session, i18n }: HttpContext,
    importProducts: ImportProducts
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const { file } = await request.validateUsing(productCsvValidator)
    const outcome = await importProducts.handle({
      business,
      contents: await readFile(file.tmpPath!),
    })

    if ('preview' in outcome) {
      const message = i18n.t('catalog.import.failed', { count: outcome.preview.errorCount })
      return response.unprocessableEntity({ message, preview: outcome.preview })
    }
    session.flash('success', i18n.t('catalog.import.done', { count: outcome.imported }))
    return { imported: outcome.imported }
  }

  /**
   * An example file to start from.
   */
  async template({ response, i18n }: HttpContext) {
    const rows = [
      CSV_COLUMNS.join(','),
      i18n.t('catalog.import.template_row_1'),
      i18n.t('catalog.import.template_row_2'),
    ]
    response.header('content-type', 'text/csv; charset=utf-8')
    response.header(
      'content-disposition',
      `attachment; filename="${i18n.t('catalog.import.template_filename')}"`
    )
    return `\ufeff${rows.join('\r\n')}\r\n`
  }
}
