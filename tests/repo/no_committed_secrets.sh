#!/usr/bin/env bash
# docs/contract.md, D15: the earlier platform committed its secrets. Agora generates its secrets at
# `make up` into the git-ignored .agora/secrets; no tracked file may hold a private key or an env file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "not a git checkout: nothing to check"; exit 0; }
found=0
while IFS= read -r -d '' file; do
    case "$file" in
        tests/repo/no_committed_secrets.sh) continue ;;
        .env | */.env | *.pem | *.key) echo "tracked secret-like file: $file"; found=1; continue ;;
    esac
    # A PEM block on its own lines, or one embedded in a string literal with its key material.
    if grep -qIE -- '^-----BEGIN ([A-Z]+ )?PRIVATE KEY-----$|PRIVATE KEY-----\\n[A-Za-z0-9+/]{16}' "$file"; then
        echo "private key in tracked file: $file"
        found=1
    fi
done < <(git ls-files -z)
git check-ignore -q .agora/secrets/jwt-ed25519.pem || { echo ".agora/ is not ignored"; found=1; }
((found == 0)) && echo "no committed secrets"
exit "$found"
