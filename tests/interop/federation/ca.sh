#!/usr/bin/env bash
# Throw-away TLS material for federation tests.
#
#   ca.sh OUTDIR HOST...     OUTDIR/ca.pem + ca.key (made once, reused), and per HOST a leaf
#                            OUTDIR/HOST.pem + HOST.key signed by it (SAN DNS:HOST, 30 days)
#   ca.sh --bad OUTDIR HOST  OUTDIR/HOST.bad.pem + HOST.bad.key signed by a second CA
#                            (OUTDIR/bad-ca.pem) that nobody trusts: for TLS failure tests
#
# Keys are EC P-256. Leaves carry serverAuth, digitalSignature and an authority key id, which
# is what rustls/webpki, Node, curl and Python 3.13's strict X.509 checks want.
set -euo pipefail

bad=0
if [ "${1:-}" = "--bad" ]; then bad=1; shift; fi
if [ $# -lt 2 ]; then
  echo "usage: $0 [--bad] OUTDIR HOST..." >&2
  exit 2
fi
out=$1; shift
mkdir -p "$out"

make_ca() { # make_ca NAME SUBJECT
  local name=$1 subject=$2
  [ -s "$out/$name.pem" ] && [ -s "$out/$name.key" ] && return 0
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$out/$name.key" -out "$out/$name.pem" -days 30 -subj "$subject" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
}

make_leaf() { # make_leaf CA_NAME HOST OUT_BASENAME
  local ca=$1 host=$2 base=$3 ext
  ext=$(mktemp)
  cat >"$ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:$host
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
EOF
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$out/$base.key" -out "$out/$base.csr" -subj "/CN=$host" 2>/dev/null
  openssl x509 -req -in "$out/$base.csr" -CA "$out/$ca.pem" -CAkey "$out/$ca.key" \
    -CAcreateserial -days 30 -sha256 -extfile "$ext" -out "$out/$base.pem" 2>/dev/null
  rm -f "$out/$base.csr" "$ext"
  chmod 600 "$out/$base.key"
}

if [ $bad = 1 ]; then
  make_ca bad-ca "/CN=Palisade untrusted test CA"
  for host in "$@"; do make_leaf bad-ca "$host" "$host.bad"; done
else
  make_ca ca "/CN=Palisade federation test CA"
  for host in "$@"; do make_leaf ca "$host" "$host"; done
fi
