import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The stored secrets, where they are kept.
 */
const SECRETS = [
  { table: 'businesses', column: 'openai_api_key' },
  { table: 'whatsapp_instances', column: 'token' },
  { table: 'whatsapp_instances', column: 'webhook_secret' },
] as const

/**
 * Re-encrypts every stored secret with the current APP_KEY (they may have
 * been encrypted with one of APP_OLD_KEYS). A secret no key decrypts is
 * left as it is and counted: its owner must enter it again (an OpenAI
 * key) or reconnect WhatsApp.
 */
export default class KeysRotate extends BaseCommand {
  static commandName = 'keys:rotate'
  static description = 'Re-encrypt stored secrets with the current APP_KEY'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const { default: encryption } = await import('@adonisjs/core/services/encryption')
    let rotated = 0
    let unreadable = 0
    for (const { table, column } of SECRETS) {
      const rows = await db.from(table).whereNotNull(column).select('id', column)
      for (const row of rows) {
        const value = encryption.decrypt<string>(row[column])
        if (value === null) {
          unreadable += 1
          this.logger.warning(`${table} ${row.id}: ${column} does not decrypt with any key`)
          continue
        }
        await db
          .from(table)
          .where('id', row.id)
          .where(column, row[column])
          .update({ [column]: encryption.encrypt(value) })
        rotated += 1
      }
    }
    this.logger.success(`${rotated} secret(s) re-encrypted with APP_KEY, ${unreadable} unreadable`)
    if (unreadable > 0) this.exitCode = 1
  }
}
