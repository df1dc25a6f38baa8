#!/usr/bin/env bash
# Makes the Debian 12 base image every Agora image starts from, agora/debian:bookworm, with debootstrap
# from this machine's own Debian mirror (no image registry is needed). Quick when the image exists;
# AGORA_REBASE=1 makes it again (to take Debian's updates).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

if [[ -z "${AGORA_REBASE:-}" ]] && docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    ok "base image $BASE_IMAGE: present"
    exit 0
fi
command -v debootstrap >/dev/null || die "debootstrap is missing (make swarm-up installs it)"
mirror="$(debian_mirror)"
root="$(mktemp -d /tmp/agora-base.XXXXXX)"
trap 'rm -rf "$root"' EXIT
step "Making the base image $BASE_IMAGE with debootstrap (about a minute)"
quietly "debootstrap bookworm" debootstrap --variant=minbase bookworm "$root" "$mirror" ||
    die "debootstrap failed"
# The image's apt sources are the machine's own (the release, its updates and security), so packages
# installed into images are the versions the machine itself would install.
rm -f "$root/etc/apt/sources.list"
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
    [[ -s "$f" ]] && cp "$f" "$root/etc/apt/${f#/etc/apt/}"
done
# Small images: no recommended packages, no documentation or translations, no apt lists left behind.
cat >"$root/etc/apt/apt.conf.d/90agora" <<'CONF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
CONF
cat >"$root/etc/dpkg/dpkg.cfg.d/90agora" <<'CONF'
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
CONF
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/*
quietly "docker import" bash -c "tar -C '$root' -c . | docker import \
    --change 'ENV LANG=C.UTF-8' --change 'CMD [\"bash\"]' - '$BASE_IMAGE'" || die "docker import failed"
ok "base image $BASE_IMAGE: $(docker image inspect -f '{{.Size}}' "$BASE_IMAGE" | awk '{ printf "%d MB", $1 / 1e6 }')"
