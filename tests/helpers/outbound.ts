import app from '@adonisjs/core/services/app'
import { OutboundGuard } from '#services/outbound_guard'

/**
 * Lets the app's outbound guard reach these hosts ("127.0.0.1:port" of a
 * fake), as an operator's allow-list would; everything else stays
 * guarded. Answers the function that puts the usual guard back.
 */
export function allowOutboundTo(...hosts: string[]) {
  app.container.swap(OutboundGuard, () => new OutboundGuard({ allowedHosts: hosts }))
  return () => app.container.restore(OutboundGuard)
}
