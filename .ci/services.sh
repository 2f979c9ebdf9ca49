#!/usr/bin/env bash
# Start the local services the integration tests use: a Docker engine and a
# password-protected OCI registry on 127.0.0.1:5000 (a stand-in for an ACR
# admin user). Run as root. Safe to run again: what already answers is left alone.
#
# The tests find the registry through these variables (defaults shown):
#   LABKIT_TEST_REGISTRY=127.0.0.1:5000
#   LABKIT_TEST_REGISTRY_USER=labuser
#   LABKIT_TEST_REGISTRY_PASSWORD=labpass-local-only
set -euo pipefail

REGISTRY="${LABKIT_TEST_REGISTRY:-127.0.0.1:5000}"
REGISTRY_USER="${LABKIT_TEST_REGISTRY_USER:-labuser}"
REGISTRY_PASSWORD="${LABKIT_TEST_REGISTRY_PASSWORD:-labpass-local-only}"
DOCKERD_LOG=/tmp/labkit-dockerd.log
REGISTRY_LOG=/tmp/labkit-registry.log
REGISTRY_DIR=/tmp/labkit-registry
REGISTRY_CONFIG=/tmp/labkit-registry.yml
REGISTRY_HTPASSWD=/tmp/labkit-registry.htpasswd

say() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and starts dockerd)"

# Poll a command until it succeeds or the deadline (seconds) passes.
wait_for() {
    local seconds=$1; shift
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 1
    done
}

engine_answers() { docker info --format '{{.ServerVersion}}'; }
registry_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$REGISTRY/v2/" || true; }
registry_answers() { [ "$(registry_status)" = 401 ]; }

# 1. Packages (skipped when every binary is already there).
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-registry >/dev/null || need+=(docker-registry)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)  # static /bin/busybox for FROM scratch
command -v htpasswd >/dev/null || need+=(apache2-utils)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. Docker engine. vfs and no bridge/iptables: works inside an unprivileged-ish
#    container; images are built FROM scratch and run with --network none.
if engine_answers >/dev/null 2>&1; then
    say "docker engine already answers (server $(engine_answers)); left alone"
else
    say "starting dockerd (log: $DOCKERD_LOG)"
    setsid nohup dockerd --storage-driver=vfs --iptables=false --bridge=none \
        >"$DOCKERD_LOG" 2>&1 </dev/null &
    echo $! >/tmp/labkit-dockerd.pid
    if ! wait_for 60 engine_answers; then
        tail -n 20 "$DOCKERD_LOG" >&2 || true
        die "dockerd did not answer 'docker info' within 60 s (see $DOCKERD_LOG)"
    fi
    say "started dockerd pid $(cat /tmp/labkit-dockerd.pid), server $(engine_answers)"
fi

# 3. Registry with htpasswd basic auth (like an ACR admin user), plain HTTP on
#    loopback: dockerd treats 127.0.0.0/8 as an insecure registry by default.
if registry_answers; then
    say "registry already answers 401 at http://$REGISTRY/v2/; left alone"
else
    status=$(registry_status)
    [ "$status" = 000 ] || die "something else answers $status on http://$REGISTRY/v2/ (expected 401 or nothing)"
    mkdir -p "$REGISTRY_DIR"
    htpasswd -Bbn "$REGISTRY_USER" "$REGISTRY_PASSWORD" >"$REGISTRY_HTPASSWD"
    cat >"$REGISTRY_CONFIG" <<YAML
version: 0.1
log:
  level: info
  fields:
    service: labkit-test-registry
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR
  delete:
    enabled: true
http:
  addr: $REGISTRY
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: labkit-test-registry
    path: $REGISTRY_HTPASSWD
YAML
    say "starting docker-registry on $REGISTRY (config: $REGISTRY_CONFIG, log: $REGISTRY_LOG)"
    setsid nohup docker-registry serve "$REGISTRY_CONFIG" >"$REGISTRY_LOG" 2>&1 </dev/null &
    echo $! >/tmp/labkit-registry.pid
    if ! wait_for 30 registry_answers; then
        tail -n 20 "$REGISTRY_LOG" >&2 || true
        die "registry did not answer 401 at http://$REGISTRY/v2/ within 30 s (see $REGISTRY_LOG)"
    fi
    say "started docker-registry pid $(cat /tmp/labkit-registry.pid), storage $REGISTRY_DIR"
fi

# 4. Check that the engine accepts the plain-HTTP registry and the password.
if ! docker info --format '{{json .RegistryConfig.InsecureRegistryCIDRs}}' | grep -q '127.0.0.0/8'; then
    die "dockerd does not treat 127.0.0.0/8 as insecure: add \"insecure-registries\": [\"$REGISTRY\"] to /etc/docker/daemon.json"
fi
login_config=$(mktemp -d)  # keep the check's credentials out of ~/.docker
if printf '%s' "$REGISTRY_PASSWORD" | DOCKER_CONFIG=$login_config docker login -u "$REGISTRY_USER" --password-stdin "$REGISTRY" >/dev/null 2>&1; then
    rm -rf "$login_config"
    say "docker login to $REGISTRY as $REGISTRY_USER works (plain HTTP on loopback)"
else
    rm -rf "$login_config"
    die "docker login to $REGISTRY as $REGISTRY_USER failed"
fi
say "ready: LABKIT_TEST_REGISTRY=$REGISTRY LABKIT_TEST_REGISTRY_USER=$REGISTRY_USER (password: LABKIT_TEST_REGISTRY_PASSWORD)"
