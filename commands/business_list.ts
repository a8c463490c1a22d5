import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Every business with its owner and the size of what it holds.
 */
export default class BusinessList extends BaseCommand {
  static commandName = 'business:list'
  static description = 'List businesses with their owner and counts'
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Print JSON instead of a table' })
  declare json: boolean

  async run() {
    const { default: db } = await import('@adonisjs/lucid/services/db')

    const rows = await db
      .from('businesses')
      .select(
        'businesses.id',
        'businesses.name',
        'businesses.bot_enabled',
        'businesses.created_at',
        db.raw('(businesses.openai_api_key IS NOT NULL) AS has_openai_key'),
        db
          .from('business_members')
          .join('users', 'users.id', 'business_members.user_id')
          .whereColumn('businesses.id', 'business_members.business_id')
          .where('business_members.role', 'owner')
          .select('users.email')
          .orderBy('business_members.created_at')
          .limit(1)
          .as('owner_email'),
        db
          .from('business_members')
          .whereColumn('businesses.id', 'business_members.business_id')
          .count('*')
          .as('members')
      )
      .orderBy('businesses.created_at')

    if (this.json) {
      this.logger.log(JSON.stringify(rows, null, 2))
      return
    }

    if (rows.length === 0) {
      this.logger.info('No businesses yet')
      return
    }

    const table = this.ui.table()
    table.head(['Name', 'Owner', 'Members', 'Bot', 'AI key', 'Created', 'Id'])
    for (const row of rows) {
      table.row([
        row.name,
        row.owner_email ?? '-',
        String(row.members),
        row.bot_enabled ? 'on' : 'off',
        row.has_openai_key ? 'yes' : 'no',
        new Date(row.created_at).toISOString().slice(0, 10),
        row.id,
      ])
    }
    table.render()
    this.logger.info(`${rows.length} business(es)`)
  }
}
