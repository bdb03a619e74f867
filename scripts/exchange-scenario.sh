#!/usr/bin/env bash
# The exchange's scripted scenario (EXCHANGE.md §10, issue 15 "Done when"), from a shell against
# a running `oip serve`, in a scratch data directory of its own (never the real var/):
#
#   ENISA addresses an AMBER cyber-incident to AL (tier 1 in cyber) and BA (tier 0); AL reads it
#   and acknowledges, BA cannot read it; after a confirmed breach is imported for AL's cyber
#   tier-1 integrity benchmark, AL's next read is refused with `withdrawn_suspension` while AL's
#   own GREEN notification stays readable.
#
# Usage: scripts/exchange-scenario.sh [PORT]     (needs the venv: `make setup`)
# Prints each step with the HTTP status and the JSON answer; exits 1 at the first surprise.
set -euo pipefail
cd "$(dirname "$0")/.."
here=scripts/exchange-scenario
port=${1:-8765}
base="http://127.0.0.1:$port"
bin=${OIP_BIN:-.venv/bin}
OIP_VAR=$(mktemp -d /tmp/oip-scenario.XXXXXX)
export OIP_VAR OIP_EXCHANGE_WORKER=external
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$OIP_VAR"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
# call METHOD PATH TOKEN [JSON] -> prints "status body"; sets $status and $body
call() {
  local method=$1 path=$2 token=$3 data=${4:-}
  local out
  if [ -n "$data" ]; then
    out=$(curl -sS -X "$method" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      --data "$data" -w '\n%{http_code}' "$base$path")
  else
    out=$(curl -sS -X "$method" -H "Authorization: Bearer $token" -w '\n%{http_code}' "$base$path")
  fi
  status=${out##*$'\n'}
  body=${out%$'\n'*}
  printf '%s %s %s -> %s %s\n' "$method" "$path" "${data:+(json)}" "$status" "${body:0:300}"
}
expect() {  # expect STATUS [TEXT]
  [ "$status" = "$1" ] || { echo "expected HTTP $1, got $status" >&2; exit 1; }
  if [ -n "${2:-}" ] && [[ "$body" != *"$2"* ]]; then
    echo "expected the answer to contain $2" >&2
    exit 1
  fi
}
field() { "$bin/python" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$body" "$1"; }

step "a fresh database: catalogue, baseline evidence, and synthetic evidence giving AL tier 1 in cyber"
"$bin/oip" migrate --noinput -v0
"$bin/oip" catalogue load >/dev/null
"$bin/oip" evidence load-baseline >/dev/null
"$bin/oip" evidence import "$here/al-cyber-tier-1.yaml"
"$bin/oip" standing --area cyber --country AL --country BA --format table

step "organisations, people and tokens (the administrator's commands)"
"$bin/oip" exchange org add ENISA --name "European Union Agency for Cybersecurity" --kind eu_body --areas cyber --body enisa
"$bin/oip" exchange org add CSIRT-AL --name "AL national CSIRT" --kind national --areas cyber --country AL --functions national_csirt
"$bin/oip" exchange org add CSIRT-BA --name "BA national CSIRT" --kind national --areas cyber --country BA --functions national_csirt
"$bin/oip" exchange user add enisa-officer --org ENISA --role officer --clearance red --areas cyber
"$bin/oip" exchange user add al-cp --org CSIRT-AL --role contact_point --clearance amber+strict --areas cyber
"$bin/oip" exchange user add ba-cp --org CSIRT-BA --role contact_point --clearance amber+strict --areas cyber
enisa=$("$bin/oip" exchange token issue enisa-officer --expires-in 1d)
al=$("$bin/oip" exchange token issue al-cp --expires-in 1d)
ba=$("$bin/oip" exchange token issue ba-cp --expires-in 1d)

step "oip serve on port $port"
"$bin/oip" serve --port "$port" >"$OIP_VAR/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$OIP_VAR/serve.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf "$base/healthz" >/dev/null

example=$("$bin/python" - <<'EOF'
import json
from oip.liaison.templates import shipped
print(json.dumps(shipped().get("cyber-incident").stages["early_warning"].examples[0]))
EOF
)

step "ENISA addresses an AMBER cyber-incident early warning to CSIRT-AL and CSIRT-BA"
call POST /api/v1/exchange/notifications "$enisa" \
  "{\"template\": \"cyber-incident\", \"area\": \"cyber\", \"tlp\": \"amber\", \"audience\": \"addressed\", \"addressees\": [\"CSIRT-AL\", \"CSIRT-BA\"], \"stage\": \"early_warning\", \"payload\": $example, \"exercise\": null}"
expect 201
item=$(field id)

step "AL (tier 1: receives up to AMBER) reads it and acknowledges"
call GET "/api/v1/exchange/access?country=AL&area=cyber" "$al"
call GET "/api/v1/exchange/notifications/$item" "$al"
expect 200
call POST "/api/v1/exchange/notifications/$item/ack" "$al"
expect 200

step "BA (tier 0: receives up to GREEN) cannot read it"
call GET "/api/v1/exchange/notifications/$item" "$ba"
expect 403 above_tier_cap

step "AL sends its own GREEN notification to ENISA"
call POST /api/v1/exchange/notifications "$al" \
  "{\"template\": \"cyber-incident\", \"area\": \"cyber\", \"tlp\": \"green\", \"audience\": \"addressed\", \"addressees\": [\"ENISA\"], \"stage\": \"early_warning\", \"payload\": $example, \"exercise\": null}"
expect 201
own=$(field id)

step "a breach confirmed by ENISA is imported for AL's cyber tier-1 integrity benchmark"
"$bin/oip" evidence import "$here/breach.yaml"
"$bin/oip" standing --area cyber --country AL --format table

step "AL's next read of the AMBER item is refused; its own GREEN notification stays readable"
call GET "/api/v1/exchange/notifications/$item" "$al"
expect 403 withdrawn_suspension
call GET "/api/v1/exchange/notifications/$own" "$al"
expect 200
call GET "/api/v1/exchange/access?country=AL&area=cyber" "$al"

step "the audit chain verifies"
"$bin/oip" exchange audit verify
echo
echo "scenario passed"
