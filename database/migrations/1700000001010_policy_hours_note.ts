import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Opening hours an owner (or an API client, as the seed's schema had them:
 * "Lun-Sáb 9:00-19:00") wrote as text that could not be read into the
 * week: kept as written, for the agent to read.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('policies', (table) => {
      table.text('hours_note').nullable()
    })
  }

  async down() {
    this.schema.alterTable('policies', (table) => {
      table.dropColumn('hours_note')
    })
  }
}
