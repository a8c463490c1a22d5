import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A customer's photo recognised as one of the shop's products without AI:
 * each catalog photo keeps a perceptual fingerprint (computed when the
 * photo is uploaded, replaced or imported), matched against the photos
 * customers send.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('products', (table) => {
      table.binary('photo_fingerprint').nullable()
    })
  }

  async down() {
    this.schema.alterTable('products', (table) => {
      table.dropColumn('photo_fingerprint')
    })
  }
}
