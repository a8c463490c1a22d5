import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Time zones of the businesses already stored, and their country (any
 * other zone: Mexico, the default until now).
 */
const COUNTRY_OF_ZONE: [pattern: string, country: string][] = [
  ['America/Argentina/%', 'AR'],
  ['America/Buenos_Aires', 'AR'],
  ['America/Cordoba', 'AR'],
  ['America/Sao_Paulo', 'BR'],
  ['America/Bahia', 'BR'],
  ['America/Fortaleza', 'BR'],
  ['America/Recife', 'BR'],
  ['America/Belem', 'BR'],
  ['America/Manaus', 'BR'],
  ['America/Cuiaba', 'BR'],
  ['America/Campo_Grande', 'BR'],
  ['America/Bogota', 'CO'],
  ['America/Lima', 'PE'],
  ['America/Santiago', 'CL'],
  ['America/Punta_Arenas', 'CL'],
  ['America/Guatemala', 'GT'],
  ['America/La_Paz', 'BO'],
  ['America/Santo_Domingo', 'DO'],
  ['America/Montevideo', 'UY'],
  ['America/Asuncion', 'PY'],
  ['America/Costa_Rica', 'CR'],
  ['America/Tegucigalpa', 'HN'],
  ['America/Managua', 'NI'],
  ['America/Caracas', 'VE'],
  ['America/Guayaquil', 'EC'],
  ['America/Panama', 'PA'],
  ['America/El_Salvador', 'SV'],
  ['Europe/Madrid', 'ES'],
  ['Atlantic/Canary', 'ES'],
]

export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('businesses', (table) => {
      /**
       * ISO 3166-1 alpha-2: how the phone numbers people type without a
       * country code are read.
       */
      table.string('country', 2).notNullable().defaultTo('MX')
    })
    this.schema.raw(
      `ALTER TABLE businesses ADD CONSTRAINT businesses_country_check CHECK (country ~ '^[A-Z]{2}$')`
    )
    this.defer(async (db) => {
      for (const [pattern, country] of COUNTRY_OF_ZONE) {
        await db.from('businesses').whereLike('timezone', pattern).update({ country })
      }
    })
  }

  async down() {
    this.schema.alterTable('businesses', (table) => {
      table.dropColumn('country')
    })
  }
}
