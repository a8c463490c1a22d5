#!/bin/sh
#
# Deploys or upgrades Atiende on the Swarm, migrations first:
#
#   docker/deploy.sh
#
# 1. Checks the stack file with its variables (docker stack config).
# 2. Upgrade (the stack exists): points the migrate job at IMAGE, runs it and
#    waits for it; if the migrations fail, stops here and the app keeps
#    running the previous version.
#    First deploy: deploys the whole stack, then waits for the migrate job.
# 3. docker stack deploy: the app and the worker roll to IMAGE one replica
#    at a time (start-first, rolled back when the new replicas are not
#    healthy). The script waits until every replica of both runs IMAGE, and
#    fails when Swarm rolled an update back (the previous version keeps
#    running).
#
# Run it on a manager. Variables come from the environment, or from
# docker/stack.env when it exists (ATIENDE_ENV_FILE to use another file).
# STACK_NAME (default atiende) is the stack's name. MIGRATE_TIMEOUT (seconds,
# default 900) bounds the wait for the migrations, ROLLOUT_TIMEOUT (seconds,
# default 900) the wait for the app and the worker.
#
set -eu

here=$(cd "$(dirname "$0")" && pwd)
env_file=${ATIENDE_ENV_FILE:-$here/stack.env}
if [ -f "$env_file" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$env_file"
  set +a
fi

STACK_NAME=${STACK_NAME:-atiende}
export STACK_NAME
stack_file=$here/stack.yml
migrate=${STACK_NAME}_migrate
timeout=${MIGRATE_TIMEOUT:-900}
rollout_timeout=${ROLLOUT_TIMEOUT:-900}
# The job is tried up to 6 times (max_attempts: 5 in stack.yml); Swarm
# keeps 5 old tasks by default, so 5 failures are as many as we can see.
max_failures=5

log() {
  printf '==> %s\n' "$*" >&2
}

fail() {
  printf 'deploy: %s\n' "$*" >&2
  exit 1
}

docker stack config -c "$stack_file" >/dev/null || fail "the stack file or its variables are not valid (see above)"
: "${IMAGE:?}"

# Detached: the CLI's own wait has no time limit, waits for the one-shot
# jobs too and does not fail on a rollback; this script waits instead.
stack_deploy() {
  if docker stack deploy --help 2>/dev/null | grep -q -- '--detach'; then
    docker stack deploy --with-registry-auth --detach=true -c "$stack_file" "$STACK_NAME"
  else
    docker stack deploy --with-registry-auth -c "$stack_file" "$STACK_NAME"
  fi
}

# Waits until the current run of the migrate job has completed.
wait_for_migrations() {
  started=$(date +%s)
  while :; do
    iteration=$(docker service inspect --format '{{if .JobStatus}}{{.JobStatus.JobIteration.Index}}{{end}}' "$migrate") \
      || fail "cannot inspect $migrate"
    completed=0
    failed=0
    for task in $(docker service ps --quiet --no-trunc "$migrate"); do
      info=$(docker inspect --type task --format '{{if .JobIteration}}{{.JobIteration.Index}}{{end}} {{.Status.State}}' "$task" 2>/dev/null) \
        || continue
      case "$info" in
        "$iteration complete") completed=$((completed + 1)) ;;
        "$iteration failed" | "$iteration rejected") failed=$((failed + 1)) ;;
      esac
    done
    if [ "$completed" -gt 0 ]; then
      log "migrations applied"
      return 0
    fi
    if [ "$failed" -ge "$max_failures" ] || [ $(($(date +%s) - started)) -ge "$timeout" ]; then
      docker service logs --tail 100 "$migrate" >&2 || true
      fail "the migrations did not complete (logs above); the app was not updated"
    fi
    sleep 3
  done
}

# Waits until every replica of the service runs its current image, or fails
# when Swarm rolled the update back or paused it.
wait_for_rollout() {
  service=${STACK_NAME}_$1
  started=$(date +%s)
  while :; do
    status=$(docker service inspect --format \
      '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{else}}none{{end}} {{.Spec.Mode.Replicated.Replicas}} {{.Spec.TaskTemplate.ContainerSpec.Image}}' \
      "$service") || fail "cannot inspect $service"
    state=${status%% *}
    rest=${status#* }
    desired=${rest%% *}
    image=${rest#* }
    case "$state" in
      rollback_* | paused)
        docker service ps --no-trunc --tail 5 "$service" >&2 || true
        fail "$service was not updated ($state): it keeps running the previous version (tasks above)"
        ;;
    esac
    running=0
    for task in $(docker service ps --quiet --no-trunc --filter desired-state=running "$service"); do
      info=$(docker inspect --type task --format '{{.Spec.ContainerSpec.Image}} {{.Status.State}}' "$task" 2>/dev/null) \
        || continue
      if [ "$info" = "$image running" ]; then
        running=$((running + 1))
      fi
    done
    if [ "$state" != updating ] && [ "$running" -ge "$desired" ]; then
      log "$service: $running of $desired replicas run the new version"
      return 0
    fi
    if [ $(($(date +%s) - started)) -ge "$rollout_timeout" ]; then
      docker service ps --no-trunc --tail 5 "$service" >&2 || true
      fail "$service: $running of $desired replicas run the new version after ${rollout_timeout}s (tasks above)"
    fi
    sleep 3
  done
}

if docker service inspect "$migrate" >/dev/null 2>&1; then
  log "running the migrations of $IMAGE"
  docker service update --detach --with-registry-auth --force --image "$IMAGE" "$migrate" >/dev/null \
    || fail "cannot update $migrate"
  wait_for_migrations
  log "rolling the stack to $IMAGE"
  stack_deploy
else
  log "first deploy of stack $STACK_NAME"
  stack_deploy
  wait_for_migrations
fi
wait_for_rollout app
wait_for_rollout worker

log "done: docker stack services $STACK_NAME"
