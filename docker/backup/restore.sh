#!/bin/sh
#
# Restores a dump made by backup.sh into a database:
#
#   restore.sh --yes [--db NAME] DUMP
#
#   --yes      required: the target's tables, data and functions are
#              replaced by the dump's (objects the dump does not have are
#              left alone: restore into a new database to get exactly the
#              dump, see docker/README.md)
#   --db NAME  the target database (default: PGDATABASE); created when it
#              does not exist
#
# The dump is read back first (pg_restore --list). The restore runs in a
# single transaction (pg_restore --clean --if-exists --no-owner): it
# applies completely or not at all. Afterwards it prints the row counts of
# the main tables.
#
# Connection: PGHOST, PGPORT, PGUSER, PGPASSWORD or PGPASSWORD_FILE, as for
# backup.sh. The user must be allowed to create databases for a new target.
# PG_BIN_DIR: folder of psql and pg_restore when not on PATH.
#
set -eu

log() {
  printf '%s restore: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

fail() {
  log "FAILED: $*"
  exit 1
}

usage() {
  echo "usage: restore.sh --yes [--db NAME] DUMP" >&2
  exit 64
}

confirmed=false
target=${PGDATABASE:-}
dump=

while [ $# -gt 0 ]; do
  case "$1" in
    --yes) confirmed=true ;;
    --db)
      [ $# -ge 2 ] || usage
      target=$2
      shift
      ;;
    --db=*) target=${1#--db=} ;;
    -h | --help) usage ;;
    -*) echo "unknown option: $1" >&2 && usage ;;
    *)
      [ -z "$dump" ] || usage
      dump=$1
      ;;
  esac
  shift
done

[ -n "$dump" ] || usage
[ -n "$target" ] || fail "no target database: pass --db NAME or set PGDATABASE"
[ -f "$dump" ] || fail "no such file: $dump"

bin=${PG_BIN_DIR:+$PG_BIN_DIR/}

if [ -n "${PGPASSWORD_FILE:-}" ]; then
  PGPASSWORD=$(cat "$PGPASSWORD_FILE") || fail "cannot read PGPASSWORD_FILE ($PGPASSWORD_FILE)"
  export PGPASSWORD
fi

"${bin}pg_restore" --list "$dump" >/dev/null || fail "$dump is not a readable pg_dump archive"

if [ "$confirmed" != true ]; then
  echo "This replaces the contents of database \"$target\" on ${PGHOST:-localhost} with $dump." >&2
  echo "Stop the app and the worker first (docker/README.md), then run again with --yes." >&2
  exit 2
fi

# psql with the variable `target` set; SQL comes on stdin (psql does not
# interpolate variables in -c).
on_server() {
  "${bin}psql" --no-password --quiet --no-align --tuples-only -v ON_ERROR_STOP=1 \
    -v target="$target" --dbname="$1"
}

exists=$(echo "SELECT 1 FROM pg_database WHERE datname = :'target'" | on_server postgres) \
  || fail "cannot connect to the server"
if [ "$exists" = 1 ]; then
  log "restoring $dump into the existing database $target"
else
  log "creating database $target"
  echo 'CREATE DATABASE :"target"' | on_server postgres || fail "cannot create database $target"
fi

"${bin}pg_restore" --no-password --dbname="$target" --clean --if-exists --no-owner \
  --single-transaction "$dump" || fail "pg_restore exited with status $? (nothing was changed)"
log "restored $dump into $target"

# Row counts of the tables an owner would miss first.
on_server "$target" <<'SQL'
SELECT format('%-22s %s', name,
       (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', name), false, true, '')))[1]::text)
FROM unnest(ARRAY['users', 'businesses', 'business_members', 'products', 'contacts',
                  'conversations', 'messages', 'whatsapp_instances', 'agent_runs']) AS name
WHERE to_regclass(format('public.%I', name)) IS NOT NULL
SQL
