#!/usr/bin/env bash
# End-to-end federation test of Palisade against the Fedify peer, over HTTPS, inside netns.sh.
#   tests/interop/federation/run.sh            (as root; Palisade built at target/debug/palisade)
# Two Palisades (ours.test, other.test) behind tls_proxy.py, Fedify peers on peer.test,
# threads.test and broken.test, fediverse-pasture's verify_actor on v.test (pasture_verify.py)
# and, for it, a third Palisade with authorized fetch on secure.test; scenarios.py runs the
# checks (scenarios_*.py, on harness.py). Prints one line per check and "N passed, M failed";
# exits non-zero on a failure. Logs, databases and tokens stay in the work dir it prints
# (/tmp/palisade-fedrun.*).
# Environment: PALISADE_BIN (default target/debug/palisade), FED_TIMEOUT (seconds per wait,
# default 20), FED_VERBOSE=1 (timings and progress), FED_WORK (a new work dir),
# FED_PEER (another peer.mjs), FED_PYTHON (a Python with requests and fediverse-pasture),
# FED_SCREENSHOTS=DIR (the browser stories save the README's screenshots there).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
PY=${FED_PYTHON:-$ROOT/.tools/venv/bin/python}

if [ "${1:-}" != "--inside" ]; then
  if [ "$(id -u)" != 0 ]; then echo "run.sh: needs root (namespaces, port 443)" >&2; exit 2; fi
  bin=${PALISADE_BIN:-$ROOT/target/debug/palisade}
  [ -x "$bin" ] || { echo "run.sh: $bin missing (build Palisade first)" >&2; exit 2; }
  "$HERE/setup.sh" >&2
  "$ROOT/tests/interop/browser/setup.sh" >&2
  "$PY" -c 'import importlib.util as u, requests; assert u.find_spec("fediverse_pasture")' ||
    { echo "run.sh: $PY lacks requests or fediverse-pasture (setup.sh installs them)" >&2; exit 2; }
  WORK=${FED_WORK:-$(mktemp -d /tmp/palisade-fedrun.XXXXXX)}
  if [ -e "$WORK/ours.test" ]; then echo "run.sh: $WORK was used before; FED_WORK must be new" >&2; exit 2; fi
  mkdir -p "$WORK"; chmod 700 "$WORK"
  "$HERE/ca.sh" "$WORK" ours.test other.test peer.test threads.test broken.test v.test secure.test
  "$HERE/ca.sh" --bad "$WORK" broken.test
  echo "work dir: $WORK" >&2
  exec "$HERE/netns.sh" "$WORK" "$0" --inside "$WORK"
fi

exec "$PY" -u "$HERE/scenarios.py" "$2"
