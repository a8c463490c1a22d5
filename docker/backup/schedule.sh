#!/bin/sh
#
# The backups container's main process: runs backup.sh every day at
# BACKUP_AT (HH:MM in the container's TZ, default 03:00). A failed run is
# tried again BACKUP_RETRIES times (default 2), BACKUP_RETRY_MINUTES apart
# (default 15); then it waits for the next day. BACKUP_ON_START=true also
# runs one backup when the container starts.
#
set -eu

here=$(dirname "$0")
at=${BACKUP_AT:-03:00}
retries=${BACKUP_RETRIES:-2}
retry_minutes=${BACKUP_RETRY_MINUTES:-15}

log() {
  printf '%s schedule: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

case "$at" in
  [01][0-9]:[0-5][0-9] | 2[0-3]:[0-5][0-9]) ;;
  *)
    log "BACKUP_AT must be HH:MM (00:00 to 23:59), got '$at'"
    exit 64
    ;;
esac
case "$retries$retry_minutes" in
  *[!0-9]*)
    log "BACKUP_RETRIES and BACKUP_RETRY_MINUTES must be whole numbers"
    exit 64
    ;;
esac

# Sleeps in the background so that SIGTERM (docker stop) ends it at once.
pause() {
  sleep "$1" &
  wait $! || true
}
trap 'log "stopping"; exit 0' TERM INT

run_with_retries() {
  attempt=0
  while :; do
    if "$here/backup.sh"; then
      return 0
    fi
    attempt=$((attempt + 1))
    if [ "$attempt" -gt "$retries" ]; then
      log "backup failed $attempt times; next try at the next scheduled time"
      return 0
    fi
    log "backup failed; trying again in $retry_minutes minutes"
    pause $((retry_minutes * 60))
  done
}

if [ "${BACKUP_ON_START:-false}" = true ]; then
  run_with_retries
fi

while :; do
  now=$(date +%s)
  next=$(date -d "today $at" +%s)
  if [ "$next" -le "$now" ]; then
    next=$(date -d "tomorrow $at" +%s)
  fi
  log "next backup at $(date -d "@$next" '+%Y-%m-%d %H:%M %Z')"
  pause $((next - now))
  run_with_retries
done
