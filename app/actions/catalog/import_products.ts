import { inject } from '@adonisjs/core'
import { I18n } from '@adonisjs/i18n'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { DateTime } from 'luxon'
import type Business from '#models/business'
import UserError from '#exceptions/user_error'
import MediaStorage from '#services/media_storage'
import CatalogPhotos from '#services/catalog/catalog_photos'
import ImageDownloader, { ImageDownloadError } from '#services/image_downloader'
import ProductCsvReader, {
  type CsvProductRow,
  type CsvRowError,
} from '#services/product_csv_reader'
import { summarize } from '#actions/catalog/preview_product_import'

/**
 * Image downloads running at once during an import.
 */
const DOWNLOAD_CONCURRENCY = 4
/**
 * Image failures reported before giving up on the rest of the downloads.
 */
const MAX_IMAGE_ERRORS = 20
const INSERT_CHUNK = 500

export type ImportOutcome =
  { imported: number } | { imported: 0; preview: ReturnType<typeof summarize> }

/**
 * Imports every row of a products CSV, or none: rows are checked again,
 * images named by image_url are fetched and stored, and the products are
 * inserted in one transaction. Any row error (a bad image included)
 * leaves the catalog as it was and removes the images already stored.
 */
@inject()
export default class ImportProducts {
  constructor(
    private reader: ProductCsvReader,
    private storage: MediaStorage,
    private downloader: ImageDownloader,
    private i18n: I18n,
    private photos: CatalogPhotos
  ) {}

  async handle({
    business,
    contents,
  }: {
    business: Business
    contents: Buffer
  }): Promise<ImportOutcome> {
    const result = await this.reader.read(contents, { business, i18n: this.i18n })
    if (result.errors.length > 0) {
      return { imported: 0, preview: summarize(result) }
    }

    const { keys, fingerprints, errors } = await this.#storeImages(business, result.rows)
    if (errors.length > 0) {
      await this.storage.delete(...keys.values())
      return { imported: 0, preview: summarize({ ...result, errors }) }
    }

    try {
      await db.transaction(async (trx) => {
        const now = DateTime.now().toSQL()
        for (let start = 0; start < result.rows.length; start += INSERT_CHUNK) {
          const chunk = result.rows.slice(start, start + INSERT_CHUNK)
          await trx
            .insertQuery()
            .table('products')
            .multiInsert(
              chunk.map((row) => ({
                business_id: business.id,
                title: row.title,
                description: row.description,
                price: row.price,
                sku: row.sku,
                stock: row.stock,
                active: true,
                image_key: keys.get(row.line) ?? null,
                photo_fingerprint: fingerprints.get(row.line) ?? null,
                created_at: now,
                updated_at: now,
              }))
            )
        }
      })
    } catch (error) {
      await this.storage.delete(...keys.values())
      if ((error as { code?: string }).code === '23505') {
        throw new UserError('catalog.import.errors.sku_conflict', { field: 'file' })
      }
      throw error
    }

    return { imported: result.rows.length }
  }

  /**
   * Fetches and stores each row's image, a few at a time. Answers the key
   * stored for each line, and a row error for each image that failed.
   */
  async #storeImages(business: Business, rows: CsvProductRow[]) {
    const keys = new Map<number, string>()
    const fingerprints = new Map<number, Buffer>()
    const errors: CsvRowError[] = []
    const queue = rows.filter((row) => row.imageUrl)

    const worker = async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        if (errors.length >= MAX_IMAGE_ERRORS) return
        try {
          const { bytes } = await this.downloader.download(row.imageUrl!)
          keys.set(
            row.line,
            await this.storage.storeImage(bytes, { businessId: business.id, folder: 'products' })
          )
          const photo = await this.photos.fingerprintOfBytes(bytes)
          if (photo) fingerprints.set(row.line, photo)
        } catch (error) {
          errors.push({ line: row.line, field: 'image_url', message: this.#imageError(error) })
        }
      }
    }
    await Promise.all(Array.from({ length: DOWNLOAD_CONCURRENCY }, worker))

    errors.sort((a, b) => a.line - b.line)
    return { keys, fingerprints, errors }
  }

  #imageError(error: unknown) {
    if (error instanceof ImageDownloadError) {
      return this.i18n.t(`catalog.import.errors.image_${error.reason}`)
    }
    if (error instanceof UserError) {
      return this.i18n.t(error.translationKey, error.options.data ?? {})
    }
    logger.error({ err: error }, 'product import: storing an image failed')
    return this.i18n.t('catalog.import.errors.image_unreachable')
  }
}
