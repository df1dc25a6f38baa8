#!/usr/bin/env bash
# Makes this Debian 12 machine ready to build and run Agora: the Debian packages of packages-build.txt
# and packages.txt (with --swarm also packages-swarm.txt: Docker and debootstrap),
# the Go-built tools of go-tools.txt (into $AGORA_HOME/bin), the Kafka broker's jars and metrics agent
# from Maven Central (kafka/, into $AGORA_HOME/kafka) and, with --test, the npm tools of
# node/package-lock.json (into $AGORA_HOME/node) and the Python tools of python-tools.txt (into the
# virtualenv $AGORA_HOME/python). Every fetched artefact is pinned and checked against its hash.
# Quick when nothing is missing. The npm and Python tools serve only the tests and benchmarks, so
# they are installed with --test (make test, make bench), not by make up. The tools' own output goes
# to $AGORA_HOME/logs/install.log; the terminal gets one line per step with its time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"

INSTALL_LOG="$AGORA_LOGS/install.log"
QUIET_LOG="$INSTALL_LOG"


# VictoriaLogs needs Go 1.26.5 or newer (Mailpit 1.24.3); Debian 12 ships 1.19. When no recent Go is
# on the machine we fetch this toolchain through the Go module proxy, where it is published as a module.
GO_MIN_VERSION=1.26.5
GO_TOOLCHAIN_VERSION=1.26.8

as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "installing packages needs root (or sudo): $*"
    fi
}

# ---- Debian packages ---------------------------------------------------------------------------
# The lists to install: packages-build.txt and packages.txt always, packages-test.txt too with --test,
# packages-swarm.txt with --swarm.
PACKAGE_LISTS=("$DEPLOY_DIR/packages-build.txt" "$DEPLOY_DIR/packages.txt")
wanted_packages() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "${PACKAGE_LISTS[@]}"; }

missing_packages() {
    local pkg
    # One dpkg-query for the whole list; a package never seen makes it print nothing for it.
    declare -A installed=()
    while read -r pkg status; do
        [[ "$status" == ii ]] && installed[$pkg]=1
    done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $(wanted_packages) 2>/dev/null || true)
    for pkg in $(wanted_packages); do
        [[ -n "${installed[$pkg]:-}" ]] || echo "$pkg"
    done
}

install_packages() {
    local missing
    mapfile -t missing < <(missing_packages)
    if ((${#missing[@]} == 0)); then
        ok "Debian packages: all $(wanted_packages | wc -l) present"
        return
    fi
    step "Installing ${#missing[@]} Debian packages: ${missing[*]}"
    # Debian starts a freshly installed server on its default port; ours run under supervisor, so
    # keep the packaged services stopped during the install and let no default cluster be made.
    local policy=/usr/sbin/policy-rc.d made_policy=""
    if [[ ! -e $policy ]]; then
        as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
        made_policy=1
    fi
    if ! dpkg-query -W -f='${db:Status-Abbrev}' postgresql-common 2>/dev/null | grep -q '^ii'; then
        as_root mkdir -p /etc/postgresql-common
        as_root sh -c "echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf"
    fi
    local rc=0 t0=$SECONDS
    {
        quietly "apt-get update" as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
            quietly "apt-get install" as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
                --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
                "${missing[@]}"
    } || rc=$?
    [[ -n $made_policy ]] && as_root rm -f "$policy"
    ((rc == 0)) || die "apt-get failed (exit $rc) installing: ${missing[*]}"
    ok "installed ${#missing[@]} packages ($((SECONDS - t0)) s)"
}

# ---- Go ----------------------------------------------------------------------------------------
# version_at_least <have> <want> : both as 1.24.3
version_at_least() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" == "$2" ]]; }

go_version_of() { GOTOOLCHAIN=local "$1" env GOVERSION 2>/dev/null | sed 's/^go//'; }

# Prints the path of a Go command recent enough for the tools, fetching one when needed.
find_go() {
    local candidate version
    for candidate in ${AGORA_GO:-} "$(command -v go || true)" /usr/local/go/bin/go /usr/lib/go/bin/go \
        "$AGORA_HOME/toolchain/go/bin/go"; do
        [[ -n "$candidate" && -x "$candidate" ]] || continue
        version="$(go_version_of "$candidate")"
        if [[ -n "$version" ]] && version_at_least "$version" "$GO_MIN_VERSION"; then
            echo "$candidate"
            return
        fi
    done
    fetch_go_toolchain
    echo "$AGORA_HOME/toolchain/go/bin/go"
}

fetch_go_toolchain() {
    # Debian's golang-go (1.19) is too old to build the tools, but it can download the newer
    # toolchain, which is published as an ordinary module; the module checksum database verifies it.
    local arch dir old_go module
    arch="$(dpkg --print-architecture)"
    module="golang.org/toolchain@v0.0.1-go$GO_TOOLCHAIN_VERSION.linux-$arch"
    step "Fetching Go $GO_TOOLCHAIN_VERSION as a module (no Go >= $GO_MIN_VERSION on this machine)" >&2
    old_go="$(command -v go || true)"
    if [[ -z "$old_go" ]]; then
        quietly "apt-get install golang-go" as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q golang-go ||
            die "no Go found and golang-go could not be installed; install Go >= $GO_MIN_VERSION or set AGORA_GO"
        old_go=/usr/bin/go
    fi
    dir="$AGORA_HOME/toolchain"
    rm -rf "$dir/go" "$dir/fetch"
    mkdir -p "$dir/fetch"
    (cd "$dir/fetch" && printf 'module fetch\n\ngo 1.19\n' >go.mod &&
        quietly "go mod download $module" env GOFLAGS=-modcacherw GOPATH="$dir/gopath" "$old_go" mod download "$module") ||
        die "could not download $module through the Go module proxy"
    cp -r "$dir/gopath/pkg/mod/$module" "$dir/go"
    chmod -R u+w "$dir/go" && chmod +x "$dir/go/bin/"* "$dir/go/pkg/tool/"*/*
    rm -rf "$dir/fetch" "$dir/gopath"
    ok "Go $GO_TOOLCHAIN_VERSION is in $dir/go" >&2
}

# ---- tools built from Go modules ---------------------------------------------------------------
# build_in_module <go> <module> <package> <version> <output> : builds the package inside its module's
# own source tree, for modules whose go.mod has replace directives (`go install pkg@version` refuses them).
build_in_module() {
    local go="$1" module="$2" package="$3" version="$4" output="$5" dir
    dir="$(cd / && GOTOOLCHAIN=local "$go" mod download -json "$module@$version" |
        sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    [[ -n "$dir" && -f "$dir/go.mod" ]] || return 1
    (cd "$dir" && GOTOOLCHAIN=local GOFLAGS=-buildvcs=false "$go" build -trimpath -o "$output" "./${package#"$module"/}")
}

install_go_tools() {
    local name package version module stamp go="" t0
    mkdir -p "$AGORA_BIN"
    while read -r name package version module; do
        stamp="$AGORA_BIN/.$name.version"
        if [[ -x "$AGORA_BIN/$name" && "$(cat "$stamp" 2>/dev/null)" == "$version" ]]; then
            ok "$name $version present"
            continue
        fi
        # A platform that leaves the program out does not need it built (a cold build of Jaeger is long).
        if [[ " $AGORA_LEAVE_OUT " == *" ${name//-/} "* ]]; then
            ok "$name not built (AGORA_LEAVE_OUT)"
            continue
        fi
        if [[ -z "$go" ]]; then
            go="$(find_go)"
            # Every module is checked against Go's checksum database; refuse to build with it off.
            [[ "$(GOTOOLCHAIN=local "$go" env GOSUMDB)" != off && -z "$(GOTOOLCHAIN=local "$go" env GONOSUMDB)" ]] ||
                die "GOSUMDB is off or GONOSUMDB is set: the Go tools are built only from verified modules"
        fi
        step "Building $name $version with $("$go" version | cut -d' ' -f3) (one to several minutes the first time)"
        t0=$SECONDS
        if [[ -n "$module" ]]; then
            quietly "go build $name" build_in_module "$go" "$module" "$package" "$version" "$AGORA_BIN/$name" ||
                die "could not build $name ($package of $module@$version)"
        else
            # From / so that no go.mod or go.work around us takes part.
            (cd / && quietly "go install $name" env GOBIN="$AGORA_BIN" GOTOOLCHAIN=local "$go" install "$package@$version") ||
                die "could not build $name ($package@$version)"
        fi
        echo "$version" >"$stamp"
        ok "$name $version built into $AGORA_BIN ($((SECONDS - t0))s)"
    done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$DEPLOY_DIR/go-tools.txt")
}

# ---- tools of the tests, from npm --------------------------------------------------------------
# The API lint (redocly) runs on Node. node/package-lock.json pins every package with its integrity
# hash; `npm ci` installs exactly that into $AGORA_HOME/node and refuses a package whose hash differs.
# A stamp holding the lock file's checksum makes the next run a no-op.
AGORA_NODE="$AGORA_HOME/node"
NODE_LOCK="$DEPLOY_DIR/node/package-lock.json"
NODE_MIN_VERSION=20.19.0

install_node_tools() {
    local stamp="$AGORA_NODE/.lock.sha256" want have t0=$SECONDS
    want="$(sha256sum "$NODE_LOCK" | cut -d' ' -f1)"
    if [[ -d "$AGORA_NODE/node_modules" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
        ok "Node tools present ($AGORA_NODE)"
        return
    fi
    # Debian 12's nodejs is 18, older than redocly needs; the NodeSource build of Node 20 or 22
    # (which brings npm) is expected on the machine rather than replaced from packages.txt.
    command -v node >/dev/null && command -v npm >/dev/null ||
        die "Node.js $NODE_MIN_VERSION or newer with npm is needed for the tests' tools (e.g. NodeSource's nodejs)"
    have="$(node --version | sed 's/^v//')"
    version_at_least "$have" "$NODE_MIN_VERSION" ||
        die "Node.js $have is too old for the tests' tools: $NODE_MIN_VERSION or newer is needed"
    step "Installing the Node tools of node/package-lock.json into $AGORA_NODE"
    mkdir -p "$AGORA_NODE"
    cp "$DEPLOY_DIR/node/package.json" "$NODE_LOCK" "$AGORA_NODE/"
    quietly "npm ci" npm ci --prefix "$AGORA_NODE" --no-audit --no-fund --omit-lockfile-registry-resolved ||
        die "npm could not install the Node tools"
    echo "$want" >"$stamp"
    ok "Node tools installed ($((SECONDS - t0)) s)"
}

# ---- tools of the tests, from the Python Package Index -----------------------------------------
# The end-to-end suite (pytest, and Schemathesis checking every operation against api/openapi.yaml)
# runs in a virtualenv of Debian's Python, so nothing of the machine's own Python is changed. Every
# package comes from python-tools.txt with its hashes. A stamp holding that file's checksum makes the
# next run a no-op.
AGORA_PYTHON="$AGORA_HOME/python"
PYTHON_TOOLS="$DEPLOY_DIR/python-tools.txt"

install_python_tools() {
    local stamp="$AGORA_PYTHON/.python-tools.sha256" want t0=$SECONDS
    want="$(sha256sum "$PYTHON_TOOLS" | cut -d' ' -f1)"
    if [[ -x "$AGORA_PYTHON/bin/python" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
        ok "Python tools present ($AGORA_PYTHON)"
        return
    fi
    step "Installing the Python tools of python-tools.txt into $AGORA_PYTHON"
    [[ -x "$AGORA_PYTHON/bin/python" ]] || /usr/bin/python3 -m venv "$AGORA_PYTHON" ||
        die "could not make a virtualenv in $AGORA_PYTHON (Debian package python3-venv, listed in packages.txt)"
    quietly "pip install" "$AGORA_PYTHON/bin/python" -m pip install --disable-pip-version-check \
        --require-hashes --no-deps -r "$PYTHON_TOOLS" || die "pip could not install the Python tools"
    echo "$want" >"$stamp"
    ok "Python tools installed ($((SECONDS - t0)) s)"
}

# ---- Kafka, from Maven Central ------------------------------------------------------------------
# Apache Kafka is not in Debian. Maven copies the runtime dependencies of a pom into a folder: the
# broker's jars (kafka/pom.xml) into $KAFKA_LIBS, the Prometheus JMX exporter's Java agent
# (kafka/jmx-exporter/pom.xml) beside them, off the class path. A stamp holding each pom's checksum
# makes the next run a no-op.
KAFKA_POM="$DEPLOY_DIR/kafka/pom.xml"
KAFKA_AGENT_POM="$DEPLOY_DIR/kafka/jmx-exporter/pom.xml"

pom_property() { sed -n "s:.*<$2>\(.*\)</$2>.*:\1:p" "$1"; }

# fetch_from_maven <what> <pom> <folder> <stamp> <jar> [maven option...] : fills <folder> with the
# pom's runtime dependencies unless <folder>/<jar> is there and <stamp> holds the pom's checksum.
fetch_from_maven() {
    local what="$1" pom="$2" dir="$3" stamp="$4" jar="$5" want log fetched
    shift 5
    want="$(sha256sum "$pom" | cut -d' ' -f1)"
    if [[ -f "$dir/$jar" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
        ok "$what present ($(find "$dir" -name '*.jar' | wc -l) jars)"
        return
    fi
    command -v mvn >/dev/null || die "mvn is missing (Debian package maven, listed in packages.txt)"
    command -v java >/dev/null || die "java is missing (Debian package default-jre-headless, listed in packages.txt)"
    step "Fetching $what from Maven Central into $dir"
    mkdir -p "$(dirname "$dir")"
    log="$dir-maven.log"
    rm -rf "$dir.new"
    # A progress line every 10 files; the whole output stays in the log.
    # Success is judged from the log below, so a failed download is reported with its cause.
    # --strict-checksums: a jar whose checksum does not match the repository's is refused.
    mvn -B --strict-checksums -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir.new" "$@" 2>&1 |
        tee "$log" |
        awk '/^\[INFO\] Downloaded from/ { if (++n % 10 == 0) { printf "    %d files downloaded\n", n; fflush() } }' ||
        true
    if ! grep -q 'BUILD SUCCESS' "$log" || [[ ! -f "$dir.new/$jar" ]]; then
        tail -n 20 "$log" | sed 's/^/    | /' >&2
        die "Maven could not fetch $what; the whole output is in $log"
    fi
    # Counted only now: a failed run may leave no folder, and find's error would end the script unreported.
    fetched="$(find "$dir.new" -name '*.jar' | wc -l)"
    rm -rf "$dir"
    mv "$dir.new" "$dir"
    echo "$want" >"$stamp"
    ok "$what: $fetched jars in $dir"
}

install_kafka() {
    local version agent_version
    version="$(pom_property "$KAFKA_POM" kafka.version)"
    fetch_from_maven "Apache Kafka $version" "$KAFKA_POM" "$KAFKA_LIBS" "$AGORA_HOME/kafka/.pom.sha256" \
        "kafka_2.13-$version.jar"
    # Without its version in the file name, the agent's path in programs/kafka.conf stays put.
    agent_version="$(pom_property "$KAFKA_AGENT_POM" jmx-exporter.version)"
    fetch_from_maven "the Prometheus JMX exporter agent $agent_version" "$KAFKA_AGENT_POM" \
        "$(dirname "$KAFKA_AGENT_JAR")" "$AGORA_HOME/kafka/.agent-pom.sha256" "$(basename "$KAFKA_AGENT_JAR")" \
        -Dmdep.stripVersion=true
}

main() {
    local with_tests="" arg
    for arg in "$@"; do
        case "$arg" in
            --test) with_tests=1 ;;
            --swarm) PACKAGE_LISTS+=("$DEPLOY_DIR/packages-swarm.txt") ;;
            *) die "usage: install.sh [--test] [--swarm]   (--test adds the tools of the tests and benchmarks, --swarm Docker)" ;;
        esac
    done
    step "Checking what Agora needs on this machine (tools' output: $INSTALL_LOG)"
    [[ -z $with_tests ]] || PACKAGE_LISTS+=("$DEPLOY_DIR/packages-test.txt")
    install_packages
    install_go_tools
    install_kafka
    if [[ -n $with_tests ]]; then
        install_node_tools
        install_python_tools
    fi
}

# Sourcing the file gives its functions without running it.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
