#!/usr/bin/env bash
# netns.sh WORKDIR COMMAND...
#
# Runs COMMAND (as root) in fresh network, mount and PID namespaces: only `lo`, up, so all of
# 127.0.0.0/8 is local and nothing else is reachable; /etc/hosts replaced by WORKDIR/hosts;
# WORKDIR/ca.pem trusted by Node, Python, OpenSSL-based tools and curl through the environment.
# Every process started inside dies when COMMAND exits (it runs under the namespace's PID 1).
# Install everything before: there is no route to any registry inside.
#
# WORKDIR/hosts is (re)written with the fixed test names below, followed by the contents of
# WORKDIR/hosts.extra if that file exists.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 WORKDIR COMMAND..." >&2
  exit 2
fi
work=$(cd "$1" && pwd); shift
[ -s "$work/ca.pem" ] || echo "netns.sh: warning: $work/ca.pem missing (run ca.sh first)" >&2

{
  cat <<'EOF'
127.0.0.1 localhost
::1 localhost
127.0.0.2 ours.test
127.0.0.3 other.test
127.0.0.4 peer.test
127.0.0.5 threads.test
127.0.0.6 broken.test
127.0.0.7 v.test
127.0.0.8 secure.test
EOF
  if [ -f "$work/hosts.extra" ]; then cat "$work/hosts.extra"; fi
} >"$work/hosts"

export NETNS_WORK=$work
export NODE_EXTRA_CA_CERTS=$work/ca.pem SSL_CERT_FILE=$work/ca.pem REQUESTS_CA_BUNDLE=$work/ca.pem
# curl ignores SSL_CERT_FILE when built with a default bundle path; it reads CURL_CA_BUNDLE.
export CURL_CA_BUNDLE=$work/ca.pem
# Keep proxies configured outside from swallowing loopback traffic.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy='*' NO_PROXY='*'

exec unshare --net --mount --pid --fork --mount-proc bash -c '
  set -e
  ip link set lo up
  mount --bind "$NETNS_WORK/hosts" /etc/hosts
  set +e
  "$@"
  status=$?
  exit $status
' netns "$@"
