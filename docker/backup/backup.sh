#!/bin/sh
#
# One backup of a PostgreSQL database, with daily, weekly and monthly
# retention, optionally mirrored to an S3 bucket (MinIO).
#
#   BACKUP_DIR/daily/NAME-YYYYmmdd-HHMMSS.dump    every run
#   BACKUP_DIR/weekly/...                          the first run of each week
#                                                  (weeks start on BACKUP_WEEKLY_DAY)
#   BACKUP_DIR/monthly/...                         the first run of each month
#
# With one run a day, the weekly copy is the one made on BACKUP_WEEKLY_DAY
# and the monthly copy the one made on day 1; when that run failed, the
# next successful one takes its place. Copies are hard links (no extra
# space) and the newest BACKUP_KEEP_* of each kind are kept.
#
# The dump is pg_dump's custom format (-Fc, compressed; restore with
# restore.sh or pg_restore), written under a temporary name, read back
# with `pg_restore --list`, then renamed: a file with the final name is a
# complete dump. Any failure is logged and exits non-zero.
#
# Connection: the libpq variables PGHOST, PGPORT, PGUSER, PGDATABASE and
# PGPASSWORD, or PGPASSWORD_FILE (a Docker secret).
#
# Settings:
#   BACKUP_DIR            where dumps go (default /backups)
#   BACKUP_NAME           file name prefix (default: PGDATABASE)
#   BACKUP_KEEP_DAILY     daily dumps kept (default 7)
#   BACKUP_KEEP_WEEKLY    weekly copies kept (default 4)
#   BACKUP_KEEP_MONTHLY   monthly copies kept (default 6)
#   BACKUP_WEEKLY_DAY     ISO weekday weeks start on: 1 Monday ... 7 Sunday (default 7)
#   BACKUP_NOW            the time this run acts as, any `date -d` input (tests;
#                         default: now). File names use the TZ time zone.
#   BACKUP_S3_URL         S3 endpoint to mirror BACKUP_DIR to, e.g. http://minio:9000
#                         (empty: no copy). Needs `mc`.
#   BACKUP_S3_BUCKET      bucket (default atiende-backups); objects go under NAME/
#   BACKUP_S3_ACCESS_KEY_FILE, BACKUP_S3_SECRET_KEY_FILE   its credentials
#   PG_BIN_DIR            folder of pg_dump and pg_restore when not on PATH
#
# Needs GNU date (Debian, the postgres image).
#
set -eu

name=${BACKUP_NAME:-${PGDATABASE:-}}

log() {
  printf '%s backup[%s]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${name:-?}" "$*" >&2
}

fail() {
  log "FAILED: $*"
  exit 1
}

count_setting() {
  case "$2" in
    '' | *[!0-9]*) fail "$1 must be a whole number, got '$2'" ;;
  esac
}

[ -n "${PGDATABASE:-}" ] || fail "PGDATABASE is not set"
case "$name" in
  '' | *[!A-Za-z0-9_-]*) fail "BACKUP_NAME may only have letters, digits, '-' and '_', got '$name'" ;;
esac

dir=${BACKUP_DIR:-/backups}
keep_daily=${BACKUP_KEEP_DAILY:-7}
keep_weekly=${BACKUP_KEEP_WEEKLY:-4}
keep_monthly=${BACKUP_KEEP_MONTHLY:-6}
weekly_day=${BACKUP_WEEKLY_DAY:-7}
count_setting BACKUP_KEEP_DAILY "$keep_daily"
count_setting BACKUP_KEEP_WEEKLY "$keep_weekly"
count_setting BACKUP_KEEP_MONTHLY "$keep_monthly"
case "$weekly_day" in
  [1-7]) ;;
  *) fail "BACKUP_WEEKLY_DAY must be 1 (Monday) to 7 (Sunday), got '$weekly_day'" ;;
esac
[ "$keep_daily" -ge 1 ] || fail "BACKUP_KEEP_DAILY must be at least 1"

bin=${PG_BIN_DIR:+$PG_BIN_DIR/}

if [ -n "${PGPASSWORD_FILE:-}" ]; then
  PGPASSWORD=$(cat "$PGPASSWORD_FILE") || fail "cannot read PGPASSWORD_FILE ($PGPASSWORD_FILE)"
  export PGPASSWORD
fi

epoch=$(date -d "${BACKUP_NOW:-now}" +%s) || fail "BACKUP_NOW is not a date: '${BACKUP_NOW:-}'"
stamp=$(date -d "@$epoch" +%Y%m%d-%H%M%S)
today=$(date -d "@$epoch" +%Y-%m-%d)
weekday=$(date -d "@$epoch" +%u)
days_into_week=$(((weekday - weekly_day + 7) % 7))
week_start=$(date -d "$today -$days_into_week days" +%Y%m%d)
month_start=$(date -d "@$epoch" +%Y%m01)

file="$name-$stamp.dump"
pattern="$name-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9].dump"

mkdir -p "$dir/daily" "$dir/weekly" "$dir/monthly" || fail "cannot create folders under $dir"
[ ! -e "$dir/daily/$file" ] || fail "$dir/daily/$file already exists"

# Leftovers of runs that were killed halfway.
find "$dir" -name ".*.partial.*" -mmin +720 -exec rm -f {} + 2>/dev/null || true

partial="$dir/daily/.$file.partial.$$"
trap 'rm -f "$partial"' EXIT
trap 'exit 1' HUP INT TERM

log "dumping database $PGDATABASE to $dir/daily/$file"
"${bin}pg_dump" --format=custom --no-password --file="$partial" \
  || fail "pg_dump exited with status $?"
"${bin}pg_restore" --list "$partial" >/dev/null \
  || fail "the dump does not read back (pg_restore --list exited with status $?)"
mv "$partial" "$dir/daily/$file" || fail "cannot rename the dump to $dir/daily/$file"
log "wrote $dir/daily/$file ($(wc -c <"$dir/daily/$file") bytes)"

# The date (YYYYmmdd) in a dump's file name.
date_of() {
  stamp_part=${1#"$name"-}
  printf '%s\n' "${stamp_part%%-*}"
}

# True when $1 holds a dump dated $2 (YYYYmmdd) or later.
has_since() {
  for existing in "$1"/$pattern; do
    [ -e "$existing" ] || continue
    if [ "$(date_of "$(basename "$existing")")" -ge "$2" ]; then return 0; fi
  done
  return 1
}

# Puts the new dump into $1 too: a hard link, or a copy where links fail.
keep_in() {
  if ! ln "$dir/daily/$file" "$1/$file" 2>/dev/null; then
    if ! { cp "$dir/daily/$file" "$1/.$file.partial.$$" && mv "$1/.$file.partial.$$" "$1/$file"; }; then
      fail "cannot copy the dump into $1"
    fi
  fi
  log "kept as $1/$file"
}

# Deletes the oldest dumps in $1 beyond the newest $2.
prune() {
  total=0
  for existing in "$1"/$pattern; do
    if [ -e "$existing" ]; then total=$((total + 1)); fi
  done
  excess=$((total - $2))
  for existing in "$1"/$pattern; do
    [ "$excess" -gt 0 ] || break
    [ -e "$existing" ] || continue
    rm -f "$existing" || fail "cannot delete $existing"
    log "deleted $existing"
    excess=$((excess - 1))
  done
}

if [ "$keep_weekly" -gt 0 ] && ! has_since "$dir/weekly" "$week_start"; then
  keep_in "$dir/weekly"
fi
if [ "$keep_monthly" -gt 0 ] && ! has_since "$dir/monthly" "$month_start"; then
  keep_in "$dir/monthly"
fi

prune "$dir/daily" "$keep_daily"
prune "$dir/weekly" "$keep_weekly"
prune "$dir/monthly" "$keep_monthly"

if [ -n "${BACKUP_S3_URL:-}" ]; then
  command -v mc >/dev/null 2>&1 || fail "BACKUP_S3_URL is set but mc (the MinIO client) is not installed"
  key=$(cat "${BACKUP_S3_ACCESS_KEY_FILE:?BACKUP_S3_ACCESS_KEY_FILE is required with BACKUP_S3_URL}") \
    || fail "cannot read BACKUP_S3_ACCESS_KEY_FILE"
  secret=$(cat "${BACKUP_S3_SECRET_KEY_FILE:?BACKUP_S3_SECRET_KEY_FILE is required with BACKUP_S3_URL}") \
    || fail "cannot read BACKUP_S3_SECRET_KEY_FILE"
  target="backups/${BACKUP_S3_BUCKET:-atiende-backups}/$name"
  MC_CONFIG_DIR=${MC_CONFIG_DIR:-${TMPDIR:-/tmp}/atiende-backup-mc}
  export MC_CONFIG_DIR
  mc --quiet alias set backups "$BACKUP_S3_URL" "$key" "$secret" >/dev/null \
    || fail "cannot reach $BACKUP_S3_URL (the local dump is kept)"
  # Without --remove: a fresh, empty backup volume must never delete the
  # bucket's copies. The bucket's lifecycle rule expires old objects.
  mc --quiet mirror --overwrite --exclude ".*" "$dir" "$target" >/dev/null \
    || fail "the copy to $BACKUP_S3_URL/$target failed (the local dump is kept)"
  log "copied to $BACKUP_S3_URL/$target"
fi

log "done"
