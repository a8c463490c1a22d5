/*
|--------------------------------------------------------------------------
| Live events (Transmit SSE)
|--------------------------------------------------------------------------
|
| One channel per business; a user may listen to a business's channel only
| through a membership of theirs.
|
*/
import transmit from '@adonisjs/transmit/services/main'
import { isUuid } from '#models/user'

transmit.authorize<{ id: string }>('businesses/:id', async (ctx, { id }) => {
  if (!isUuid(id) || !(await ctx.auth.use('web').check())) {
    return false
  }
  const membership = await ctx.auth
    .use('web')
    .user!.related('businesses')
    .query()
    .where('businesses.id', id)
    .first()
  return membership !== null
})
