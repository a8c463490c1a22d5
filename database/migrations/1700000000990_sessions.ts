import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Web sessions kept on the server (the session store "database"): a
 * logout, a password reset or "log out everywhere" ends them, whoever
 * holds a copy of the cookie. Tagged with their user.
 */
export default class extends BaseSchema {
  protected tableName = 'sessions'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.string('id').primary()
      table.text('data').notNullable()
      table.string('user_id').nullable().index()
      table.timestamp('expires_at').notNullable().index()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
