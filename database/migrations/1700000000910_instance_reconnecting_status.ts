import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * An open connection that dropped and is reconnecting by itself (the
 * gateway's "connecting" after "open") is shown as such, not as "open".
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(
      `ALTER TABLE whatsapp_instances DROP CONSTRAINT whatsapp_instances_status_check,
       ADD CONSTRAINT whatsapp_instances_status_check
       CHECK (status IN ('pending_qr', 'open', 'reconnecting', 'closed', 'refused'))`
    )
  }

  async down() {
    this.schema.raw(`UPDATE whatsapp_instances SET status = 'open' WHERE status = 'reconnecting'`)
    this.schema.raw(
      `ALTER TABLE whatsapp_instances DROP CONSTRAINT whatsapp_instances_status_check,
       ADD CONSTRAINT whatsapp_instances_status_check
       CHECK (status IN ('pending_qr', 'open', 'closed', 'refused'))`
    )
  }
}
