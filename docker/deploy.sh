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
#    healthy).
#
# Run it on a manager. Variables come from the environment, or from
# docker/stack.env when it exists (ATIENDE_ENV_FILE to use another file).
# STACK_NAME (default atiende) is the stack's name. MIGRATE_TIMEOUT (seconds,
# default 900) bounds the wait for the migrations.
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

stack_deploy() {
  if docker stack deploy --help 2>/dev/null | grep -q -- '--detach'; then
    docker stack deploy --with-registry-auth --detach=false -c "$stack_file" "$STACK_NAME"
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

log "done: docker stack services $STACK_NAME"
