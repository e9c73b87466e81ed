#!/usr/bin/env bash
# The media storage against a real S3-protocol server: s3s-fs (a Rust crate: built once by
# `cargo install`, pinned and --locked, kept in ~/.cargo/bin and skipped when there), started
# on loopback with a throw-away key over a temporary folder, a bucket made; then the storage
# test and the media API tests run with PALISADE_TEST_S3_* set (each test instance under a
# prefix of its own in the bucket). Prints one summary line on stdout; details on stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v s3s-fs >/dev/null && [ ! -x "$HOME/.cargo/bin/s3s-fs" ]; then
  echo "building s3s-fs (once; cached in ~/.cargo/bin)" >&2
  cargo install s3s-fs --version 0.14.1 --features binary --locked >&2
fi
S3S=$(command -v s3s-fs || echo "$HOME/.cargo/bin/s3s-fs")
DATA=$(mktemp -d /tmp/palisade-s3.XXXXXX)
mkdir -p "$DATA/palisade"
PORT=${PALISADE_S3_PORT:-9014}
KEY=palisade-ci SECRET=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
"$S3S" --host 127.0.0.1 --port "$PORT" --access-key "$KEY" --secret-key "$SECRET" "$DATA" >"$DATA.log" 2>&1 &
S3_PID=$!
trap 'kill $S3_PID 2>/dev/null || true; wait $S3_PID 2>/dev/null || true; rm -rf "$DATA" "$DATA.log"' EXIT
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done
export PALISADE_TEST_S3_ENDPOINT="http://127.0.0.1:$PORT" PALISADE_TEST_S3_BUCKET=palisade \
  PALISADE_TEST_S3_ACCESS_KEY=$KEY PALISADE_TEST_S3_SECRET_KEY=$SECRET
LOG=/tmp/palisade-s3-tests.log
set +e
{
  cargo test --locked -p palisade-media storage
  cargo test --locked -p palisade-http --test api media
} >"$LOG" 2>&1
status=$?
set -e
files=$(find "$DATA/palisade" -type f | wc -l)
summary=$(grep -E '^test result' "$LOG" | awk '{p+=$4; f+=$6} END {print p" passed, "f" failed"}')
if [ $status -ne 0 ] || [ "$files" -eq 0 ]; then
  grep -E "^test .*FAILED|panicked" "$LOG" >&2 || tail -n 40 "$LOG" >&2
  echo "media on S3 (s3s-fs): $summary, $files objects written: FAILED"
  exit 1
fi
echo "media on S3 (s3s-fs): $summary ($files objects written to the bucket)"
