import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runProcess } from './run_process.js'

const NEW_IMAGE = 'registry.example.com/atiende:2.0.0@sha256:2222'
const OLD_IMAGE = 'registry.example.com/atiende:1.0.0@sha256:1111'

/**
 * docker/deploy.sh's order of work (migrations, then the stack, then the
 * wait for the app and the worker) against a stand-in `docker` that plays a
 * Swarm: it records each call and answers with the migrate job's tasks and
 * the services' update state of the scenario. FAKE_OLD_TASKS: how many
 * looks at a replica still show the previous image.
 */
const FAKE_DOCKER = `#!/bin/sh
state=$FAKE_DOCKER_STATE
echo "$*" >> "$state/calls"
case "$1 $2" in
  "stack config")
    if [ -n "$FAKE_INVALID" ]; then echo "required variable IMAGE is missing a value" >&2; exit 1; fi ;;
  "stack deploy")
    case "$*" in *--help*) echo "  -d, --detach   Exit immediately"; exit 0 ;; esac
    touch "$state/deployed" ;;
  "service inspect")
    if [ ! -e "$state/deployed" ] && [ -z "$FAKE_STACK_EXISTS" ]; then echo "no such service" >&2; exit 1; fi
    case "$*" in
      *UpdateStatus*) echo "$FAKE_UPDATE_STATE 2 ${NEW_IMAGE}" ;;
      *--format*) echo 7 ;;
    esac ;;
  "service ps")
    case "$*" in
      # One task of the previous run (iteration 6), five of the current one (7).
      *_migrate*) printf 'task-old\\ntask-1\\ntask-2\\ntask-3\\ntask-4\\ntask-5\\n' ;;
      *--quiet*) printf 'replica-1\\nreplica-2\\n' ;;
      *) echo "replica-1 Rejected" ;;
    esac ;;
  "service logs")
    echo "Migration failed: relation already exists" ;;
  "inspect --type")
    case "$*" in
      *task-old*) echo "6 complete" ;;
      *replica-*)
        looks=$(cat "$state/looks" 2>/dev/null || echo 0)
        echo $((looks + 1)) > "$state/looks"
        if [ "$looks" -lt "$FAKE_OLD_TASKS" ]; then echo "${OLD_IMAGE} running"; else echo "${NEW_IMAGE} running"; fi ;;
      *) echo "7 $FAKE_TASK_STATE" ;;
    esac ;;
esac
exit 0
`

test.group('Ops: deploy script', (group) => {
  let root: string

  group.setup(async () => {
    root = await mkdtemp(join(tmpdir(), 'atiende-deploy-'))
    await mkdir(join(root, 'bin'))
    await writeFile(join(root, 'bin', 'docker'), FAKE_DOCKER, { mode: 0o755 })
    return () => rm(root, { recursive: true, force: true })
  })

  async function deploy(scenario: string, settings: Record<string, string>) {
    const state = join(root, scenario)
    await mkdir(state)
    await writeFile(join(state, 'calls'), '')
    const run = await runProcess('sh', [app.makePath('docker/deploy.sh')], {
      env: {
        PATH: `${join(root, 'bin')}:${process.env.PATH}`,
        FAKE_DOCKER_STATE: state,
        ATIENDE_ENV_FILE: join(state, 'no-env-file'),
        IMAGE: 'registry.example.com/atiende:2.0.0',
        MIGRATE_TIMEOUT: '10',
        ROLLOUT_TIMEOUT: '10',
        FAKE_UPDATE_STATE: 'completed',
        FAKE_OLD_TASKS: '0',
        ...settings,
      },
    })
    const recorded = await readFile(join(state, 'calls'), 'utf8')
    return { ...run, calls: recorded.trim().split('\n') }
  }

  const stackFile = app.makePath('docker/stack.yml')
  const rollout = `stack deploy --with-registry-auth --detach=true -c ${stackFile} atiende`
  const rolloutCheck = (service: string) => (call: string) =>
    call.startsWith('service inspect --format {{if .UpdateStatus}}') && call.endsWith(service)

  test('an upgrade runs the migrations of the new image before rolling the stack', async ({
    assert,
  }) => {
    const run = await deploy('upgrade', { FAKE_STACK_EXISTS: '1', FAKE_TASK_STATE: 'complete' })
    assert.equal(run.code, 0, run.stderr)
    const update =
      'service update --detach --with-registry-auth --force --image registry.example.com/atiende:2.0.0 atiende_migrate'
    assert.include(run.calls, update)
    assert.include(run.calls, rollout)
    assert.isBelow(run.calls.indexOf(update), run.calls.indexOf(rollout))
    assert.isAbove(run.calls.findIndex(rolloutCheck('atiende_app')), run.calls.indexOf(rollout))
    assert.isAbove(run.calls.findIndex(rolloutCheck('atiende_worker')), run.calls.indexOf(rollout))
    assert.include(run.stderr, 'atiende_app: 2 of 2 replicas run the new version')
    assert.include(run.stderr, 'atiende_worker: 2 of 2 replicas run the new version')
  })

  test('an upgrade waits until every replica runs the new image', async ({ assert }) => {
    const run = await deploy('rolling', {
      FAKE_STACK_EXISTS: '1',
      FAKE_TASK_STATE: 'complete',
      FAKE_OLD_TASKS: '2',
    })
    assert.equal(run.code, 0, run.stderr)
    assert.isAbove(run.calls.filter(rolloutCheck('atiende_app')).length, 1)
    assert.include(run.stderr, 'atiende_app: 2 of 2 replicas run the new version')
  }).timeout(20_000)

  test('an update Swarm rolled back fails the deploy, saying the old version runs', async ({
    assert,
  }) => {
    const run = await deploy('rolled-back', {
      FAKE_STACK_EXISTS: '1',
      FAKE_TASK_STATE: 'complete',
      FAKE_UPDATE_STATE: 'rollback_completed',
    })
    assert.equal(run.code, 1)
    assert.include(
      run.stderr,
      'atiende_app was not updated (rollback_completed): it keeps running the previous version'
    )
    assert.include(run.stderr, 'replica-1 Rejected')
    assert.isFalse(run.calls.some(rolloutCheck('atiende_worker')))
  })

  test('failed migrations stop the upgrade: the app keeps its version', async ({ assert }) => {
    const run = await deploy('failed', { FAKE_STACK_EXISTS: '1', FAKE_TASK_STATE: 'failed' })
    assert.equal(run.code, 1)
    assert.include(run.stderr, 'the app was not updated')
    assert.include(run.stderr, 'Migration failed: relation already exists')
    assert.notInclude(run.calls, rollout)
  })

  test('a first deploy creates the stack, then waits for its migrations', async ({ assert }) => {
    const run = await deploy('first', { FAKE_TASK_STATE: 'complete', FAKE_UPDATE_STATE: 'none' })
    assert.equal(run.code, 0, run.stderr)
    assert.include(run.calls, rollout)
    assert.isFalse(run.calls.some((call) => call.startsWith('service update')))
    assert.isAbove(
      run.calls.findLastIndex((call) => call.startsWith('service inspect --format')),
      run.calls.indexOf(rollout)
    )
  })

  test('invalid settings deploy nothing', async ({ assert }) => {
    const run = await deploy('invalid', { FAKE_STACK_EXISTS: '1', FAKE_INVALID: '1' })
    assert.equal(run.code, 1)
    assert.include(run.stderr, 'IMAGE is missing')
    assert.deepEqual(run.calls, [`stack config -c ${stackFile}`])
  })
})
