#!/usr/bin/env bash
# `make logs`: follows every program's log; `make logs S=auth` follows one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"

name="${1:-}"
if [[ -n "$name" ]]; then
    log="$AGORA_LOGS/$name.log"
    [[ -f "$log" ]] || die "no log for '$name' in $AGORA_LOGS (there are: $(cd "$AGORA_LOGS" && ls *.log 2>/dev/null | sed 's/\.log$//' | tr '\n' ' '))"
    exec tail -n 100 -F "$log"
fi
shopt -s nullglob
logs=("$AGORA_LOGS"/*.log)
((${#logs[@]})) || die "no logs yet in $AGORA_LOGS (make up starts the platform)"
exec tail -n 20 -F "${logs[@]}"
