#!/usr/bin/env bash
# Example certificates for development and tests. EXAMPLES ONLY: the private keys are committed
# to a public repository; never use any of them in production.
#
#   certs-example/generate.sh            create whatever is missing (idempotent: a second run
#                                        changes nothing); works from any directory
#   certs-example/generate.sh --force    throw everything away and make a new set
#
# Files (all in this folder; keys mode 0600):
#   ca.key/ca.crt                 example CA, RSA 3072, 10 years: signs servers and carrier clients
#   server.key/server.crt         server, ECDSA P-256, SAN localhost, 127.0.0.1, ::1, 5 years
#   server-rsa.key/server-rsa.crt the same server in RSA 2048 (carriers with RSA-only TLS stacks)
#   xa-client.*                   carrier XA client, CN=XA Example Air client, 2 years
#   xa-client-2.*                 a second XA certificate, for rotation tests
#   xb-client.*                   carrier XB client, CN=XB Example Bravo client, 2 years
#   rogue-ca.*, rogue-client.*    a client certificate from another CA, which the gateway must not trust
#   expired-client.*              signed by the example CA, validity ended yesterday
#   revoked-client.*, ca.crl      signed by the example CA and revoked in ca.crl (CRL valid 10 years)
#   fingerprints.txt              `<name> sha256/AB:CD:...` for every client certificate
#
# Agreements: in config/carriers/*.yaml, a comment `# example-cert: NAME` (NAME one of the client
# certificates above, e.g. xa-client) marks the fingerprint to keep in step: the `sha256/...`
# on the same line as the marker, or else on the next line, is rewritten with NAME's fingerprint.
#
#     certificates:
#       # example-cert: xa-client
#       - "sha256/AB:CD:..."
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$here"
umask 077

if [[ "${1:-}" == "--force" ]]; then
  rm -f ./*.key ./*.crt ./*.crl fingerprints.txt
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--force]" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat > "$work/ext.cnf" <<'EOF'
[ req ]
distinguished_name = req_dn
[ req_dn ]

[ ca_ext ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ server_ec ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer

[ server_rsa ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer

[ client ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF

# A minimal `openssl ca` setup, for what `openssl x509 -req` cannot do in OpenSSL 3.0: explicit
# start and end dates (the expired certificate) and the revocation list.
ca_setup () {
  local dir="$work/ca-db"
  rm -rf "$dir"
  mkdir -p "$dir/new"
  : > "$dir/index.txt"
  openssl rand -hex 16 > "$dir/serial"
  cat > "$dir/ca.cnf" <<EOF
[ ca ]
default_ca = example_ca
[ example_ca ]
database = $dir/index.txt
new_certs_dir = $dir/new
serial = $dir/serial
certificate = $here/ca.crt
private_key = $here/ca.key
default_md = sha256
default_crl_days = 3650
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
countryName = optional
organizationName = optional
commonName = supplied
[ crl_ext ]
authorityKeyIdentifier = keyid:always
$(sed -n '/^\[ client \]/,/^$/p' "$work/ext.cnf")
EOF
  echo "$dir/ca.cnf"
}

keygen_ec () { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 600 "$1"; }
keygen_rsa () { openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$1" 2>/dev/null; chmod 600 "$1"; }
serial () { echo "0x$(openssl rand -hex 16)"; }

# issue NAME KEYTYPE(ec|rsa) SUBJECT DAYS EXT-SECTION [CA-NAME]
issue () {
  local name="$1" type="$2" subject="$3" days="$4" ext="$5" ca="${6:-ca}"
  [[ -s "$name.key" && -s "$name.crt" ]] && return 0
  if [[ "$type" == rsa ]]; then keygen_rsa "$name.key" 2048; else keygen_ec "$name.key"; fi
  openssl req -new -key "$name.key" -subj "$subject" -out "$work/$name.csr"
  openssl x509 -req -in "$work/$name.csr" -CA "$ca.crt" -CAkey "$ca.key" -set_serial "$(serial)" \
    -days "$days" -sha256 -extfile "$work/ext.cnf" -extensions "$ext" -out "$name.crt" 2>/dev/null
  chmod 644 "$name.crt"
  echo "generated $name.crt"
}

# make_ca NAME SUBJECT
make_ca () {
  local name="$1" subject="$2"
  [[ -s "$name.key" && -s "$name.crt" ]] && return 0
  keygen_rsa "$name.key" 3072
  openssl req -x509 -new -key "$name.key" -subj "$subject" -days 3650 -sha256 \
    -config "$work/ext.cnf" -extensions ca_ext -out "$name.crt"
  chmod 644 "$name.crt"
  # Everything signed by an earlier CA is void now.
  if [[ "$name" == ca ]]; then
    rm -f server.* server-rsa.* xa-client* xb-client.* expired-client.* revoked-client.* ca.crl
  fi
  echo "generated $name.crt"
}

make_ca ca "/O=Example PIU (EXAMPLE ONLY)/CN=Example Carrier Gateway CA"
issue server ec "/O=Example PIU (EXAMPLE ONLY)/CN=localhost" 1825 server_ec
issue server-rsa rsa "/O=Example PIU (EXAMPLE ONLY)/CN=localhost" 1825 server_rsa
issue xa-client ec "/O=Example Air/CN=XA Example Air client" 730 client
issue xa-client-2 ec "/O=Example Air/CN=XA Example Air client (rotation)" 730 client
issue xb-client ec "/O=Example Bravo/CN=XB Example Bravo client" 730 client

make_ca rogue-ca "/O=Rogue (EXAMPLE ONLY)/CN=Untrusted Rogue CA"
issue rogue-client ec "/O=Example Air/CN=XA Example Air client" 730 client rogue-ca

if [[ ! -s expired-client.key || ! -s expired-client.crt ]]; then
  cnf="$(ca_setup)"
  keygen_ec expired-client.key
  openssl req -new -key expired-client.key -subj "/O=Example Air/CN=XA Example Air client (expired)" -out "$work/expired.csr"
  openssl ca -batch -config "$cnf" -notext -extensions client -in "$work/expired.csr" -out expired-client.crt \
    -startdate "$(date -u -d '-60 days' +%Y%m%d%H%M%SZ)" -enddate "$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)" 2>/dev/null
  chmod 644 expired-client.crt
  echo "generated expired-client.crt"
fi

if [[ ! -s revoked-client.key || ! -s revoked-client.crt ]]; then
  issue revoked-client ec "/O=Example Air/CN=XA Example Air client (revoked)" 730 client
  rm -f ca.crl
fi
if [[ ! -s ca.crl ]]; then
  cnf="$(ca_setup)"
  # An empty database: `-revoke` enters the certificate and marks it revoked in one step.
  openssl ca -batch -config "$cnf" -revoke revoked-client.crt -crl_reason keyCompromise 2>/dev/null
  openssl ca -batch -config "$cnf" -gencrl -crlexts crl_ext -out ca.crl 2>/dev/null
  chmod 644 ca.crl
  echo "generated ca.crl (revokes revoked-client.crt)"
fi

# Sanity: what must verify does, what must not does not.
openssl verify -CAfile ca.crt server.crt server-rsa.crt xa-client.crt xa-client-2.crt xb-client.crt revoked-client.crt >/dev/null
if openssl verify -CAfile ca.crt rogue-client.crt >/dev/null 2>&1; then echo "rogue-client verifies against ca.crt" >&2; exit 1; fi
if openssl verify -CAfile ca.crt expired-client.crt >/dev/null 2>&1; then echo "expired-client is not expired" >&2; exit 1; fi
if openssl verify -crl_check -CAfile ca.crt -CRLfile ca.crl revoked-client.crt >/dev/null 2>&1; then echo "revoked-client is not revoked by ca.crl" >&2; exit 1; fi

clients=(xa-client xa-client-2 xb-client rogue-client expired-client revoked-client)
fingerprint () { openssl x509 -in "$1.crt" -noout -fingerprint -sha256 | sed 's/^.*=/sha256\//'; }
umask 022
{
  for name in "${clients[@]}"; do echo "$name $(fingerprint "$name")"; done
} > "$work/fingerprints.txt"
cmp -s "$work/fingerprints.txt" fingerprints.txt || cp "$work/fingerprints.txt" fingerprints.txt
chmod 644 fingerprints.txt
cat fingerprints.txt

# Keep the example agreements pinned to these certificates (see the header).
shopt -s nullglob
for yaml in "$repo"/config/carriers/*.yaml; do
  cp "$yaml" "$work/agreement.yaml"
  for name in "${clients[@]}"; do
    fp="$(fingerprint "$name")"
    sed -i -E \
      -e "/#[[:space:]]*example-cert:[[:space:]]*${name}([[:space:]]|\$)/{" \
      -e "  /sha256\\//{s#sha256/[0-9A-Fa-f:.]+#${fp}#;b" \
      -e '  }' \
      -e '  n' \
      -e "  s#sha256/[0-9A-Fa-f:.]+#${fp}#" \
      -e '}' "$work/agreement.yaml"
  done
  if ! cmp -s "$work/agreement.yaml" "$yaml"; then
    cat "$work/agreement.yaml" > "$yaml"
    echo "updated fingerprints in ${yaml#"$repo"/}"
  fi
done
