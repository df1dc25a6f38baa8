#!/usr/bin/env bash
# `make backup [TO=folder]`: dumps each service's database (pg_dump's custom format, one consistent
# snapshot per database) into .agora/backups/<UTC time>/ while the platform runs, with a checksum file
# that `make restore` verifies first. What is not in a backup, and why, is in docs/operations.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"

ready_postgres || die "PostgreSQL is not answering on port $POSTGRES_PORT (make up)"
dir="${1:-$AGORA_HOME/backups/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$dir"
chmod 700 "$dir"
step "Backing up ${AGORA_DATABASES[*]} into $dir"
t0=$SECONDS
for db in "${AGORA_DATABASES[@]}"; do
    PGPASSWORD="$DB_PASSWORD" "$PG_BIN/pg_dump" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$DB_ROLE" \
        --format=custom --file="$dir/$db.dump" "$db" || die "pg_dump of $db failed"
    info "$db: $(du -h "$dir/$db.dump" | cut -f1)"
done
(cd "$dir" && sha256sum ./*.dump >SHA256SUMS)
ok "backup done in $((SECONDS - t0)) s: $dir (make restore FROM=$dir)"
