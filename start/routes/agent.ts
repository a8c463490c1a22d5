/*
|--------------------------------------------------------------------------
| Agent routes: one turn on demand, the playground, usage and cost
|--------------------------------------------------------------------------
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { agentApiThrottle } from '#start/limiter'

const AgentController = () => import('#controllers/api/agent_controller')
const AgentPagesController = () => import('#controllers/agent_pages_controller')

router
  .group(() => {
    router.post('/agent/think', [AgentController, 'think']).as('agent.think').use(agentApiThrottle)
  })
  .as('api')
  .use([middleware.json(), middleware.auth({ guards: ['api'] })])

router
  .group(() => {
    router.get('/agent/playground', [AgentPagesController, 'playground']).as('agent.playground')
    router
      .post('/agent/playground', [AgentPagesController, 'playgroundTurn'])
      .as('agent.playground.turn')
    router.get('/agent/usage', [AgentPagesController, 'usage']).as('agent.usage')
    router.put('/agent/settings', [AgentPagesController, 'updateSettings']).as('agent.settings')
  })
  .use([middleware.auth({ guards: ['web'] }), middleware.currentBusiness()])
