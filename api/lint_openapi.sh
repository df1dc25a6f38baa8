#!/usr/bin/env bash
# Lints api/openapi.yaml with the pinned redocly that `make install` puts in $AGORA_HOME/node.
set -euo pipefail
api="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="${AGORA_HOME:-$api/../.agora}"
redocly="$home/node/node_modules/.bin/redocly"
if [[ ! -x "$redocly" ]]; then
    echo "redocly is missing at $redocly: run \`make install\`" >&2
    exit 1
fi
# No usage reports and no update check: the lint runs offline.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
"$redocly" lint --config "$api/redocly.yaml" "$api/openapi.yaml" 2>&1 | grep -v '[║╔╚]'
