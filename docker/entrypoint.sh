#!/bin/sh
#
# Starts one role of the Atiende image (run from the app folder, /app):
#
#   web              the HTTP server (node bin/server.js) on HOST:PORT
#   worker           the job worker (node ace.js queue:work)
#   migrate          waits for the database, applies pending migrations, exits
#   ace <command>    any ace command: user:create, business:list, ...
#
# The role goes to ATIENDE_ROLE (for the app) and, except for `ace`, to a
# file the HEALTHCHECK reads (a healthcheck runs as a separate process and
# does not see this script's environment). `ace` leaves the file alone: an
# admin command run with `docker exec` next to the web server must not
# change what the container's healthcheck checks. `exec` hands the process
# over to Node, so the SIGTERM Docker sends (through tini) reaches the app.
#
set -eu

usage() {
  echo "usage: atiende web | worker | migrate | ace <command> [args...]" >&2
  exit 64
}

[ $# -gt 0 ] || usage
role=$1
shift

case "$role" in
  web | worker | migrate | ace) ;;
  *) usage ;;
esac

ATIENDE_ROLE=$role
export ATIENDE_ROLE
if [ "$role" != ace ]; then
  printf '%s\n' "$role" >"${ATIENDE_ROLE_FILE:-/tmp/atiende-role}"
fi

# V8's heap sizing for the long-running roles: a 16 MB young generation
# and an old generation allowed to grow by half of what is live before a
# full collection. V8 sizes both from the machine's memory; on a 24 GB
# host a busy web process then reached 350-400 MB of RSS, with these about
# 240 MB for a few percent more CPU (docs/performance.md, benchmark 6).
# NODE_HEAP_FLAGS= (empty) leaves V8's defaults.
NODE_HEAP_FLAGS=${NODE_HEAP_FLAGS-"--max-semi-space-size=16 --heap-growing-percent=50"}

# shellcheck disable=SC2086 # the flags are words on purpose
case "$role" in
  web) exec node $NODE_HEAP_FLAGS bin/server.js "$@" ;;
  worker) exec node $NODE_HEAP_FLAGS ace.js queue:work "$@" ;;
  migrate)
    # On a first deploy the database may still be starting (db:wait gives
    # it DATABASE_WAIT_SECONDS, default 180).
    node ace.js db:wait --timeout "${DATABASE_WAIT_SECONDS:-180}"
    exec node ace.js migration:run --force "$@"
    ;;
  ace)
    [ $# -gt 0 ] || usage
    exec node ace.js "$@"
    ;;
esac
