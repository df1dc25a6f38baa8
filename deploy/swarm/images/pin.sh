#!/usr/bin/env bash
# Writes versions.txt: the version this machine's Debian mirror offers today of every package the
# images install (the lists named in the Dockerfiles' apt-pinned lines and deploy/local/packages-build.txt).
# Run it to take Debian's updates into the images on purpose; commit the result.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../../.."
{
    sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$root/deploy/local/packages-build.txt"
    # Each Dockerfile's `apt-pinned <package> ...` words, continuation lines joined, up to the next `&&`.
    sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$here"/*.Dockerfile | grep -o 'lib/agora/apt-pinned [^&]*' |
        tr -s ' ' '\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' | grep -vx 'apt-pinned'
} | sort -u | { echo "# Debian package versions of the Swarm images, written by pin.sh: name=version"; while read -r pkg; do
    version="$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')"
    [[ -n "$version" && "$version" != "(none)" ]] || { echo "pin.sh: $pkg is not on the mirror" >&2; exit 1; }
    echo "$pkg=$version"
done; } >"$here/versions.txt.new"
mv "$here/versions.txt.new" "$here/versions.txt"
echo "pinned $(grep -vc "^#" "$here/versions.txt") packages in $here/versions.txt"
