#!/usr/bin/env bash
# `make restore [FROM=folder]`: puts every service's database back as a backup of deploy/local/backup.sh
# left it (the newest one by default). The backup's checksums are verified before anything changes; the
# services are stopped while their databases are replaced, each database in one transaction, and
# started again after.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"

from="${1:-}"
if [[ -z "$from" ]]; then
    from="$(find "$AGORA_HOME/backups" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort | tail -n 1)"
    [[ -n "$from" ]] || die "no backup in $AGORA_HOME/backups (make backup)"
fi
[[ -f "$from/SHA256SUMS" ]] || die "$from is not a backup: it has no SHA256SUMS"
for db in "${AGORA_DATABASES[@]}"; do
    [[ -f "$from/$db.dump" ]] || die "$from has no $db.dump"
done
(cd "$from" && sha256sum --quiet --check SHA256SUMS) || die "$from does not match its checksums; nothing was changed"
ready_postgres || die "PostgreSQL is not answering on port $POSTGRES_PORT (make up)"

step "Restoring ${AGORA_DATABASES[*]} from $from"
stopped=()
if supervisord_running; then
    for ((i = ${#AGORA_SERVICES[@]} - 1; i >= 0; i--)); do
        name="${AGORA_SERVICES[i]}"
        if [[ "$(program_state "$name")" == RUNNING ]]; then
            sv stop "$name" >/dev/null
            stopped+=("$name")
        fi
    done
    ((${#stopped[@]} == 0)) || info "stopped ${stopped[*]}"
fi
t0=$SECONDS
for db in "${AGORA_DATABASES[@]}"; do
    PGPASSWORD="$DB_PASSWORD" "$PG_BIN/pg_restore" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$DB_ROLE" \
        --dbname="$db" --clean --if-exists --single-transaction --exit-on-error "$from/$db.dump" ||
        die "pg_restore of $db failed; that database is unchanged (services left stopped: ${stopped[*]:-none})"
    info "$db restored"
done
for ((i = ${#stopped[@]} - 1; i >= 0; i--)); do
    name="${stopped[i]}"
    sv start "$name" >/dev/null || die "$name did not start again (make logs S=$name)"
    until is_ready "$name"; do
        ((SECONDS - t0 < 120)) || die "$name is not ready after the restore (make logs S=$name)"
        sleep 0.5
    done
done
ok "restored in $((SECONDS - t0)) s${stopped[*]:+; running again: ${stopped[*]}}"
