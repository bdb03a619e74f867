#!/usr/bin/env bash
# The closed loop (issue 17, "Done when"), from a shell against a running `oip serve`, in a scratch
# data directory of its own (never the real var/):
#
#   AL's national CSIRT passes a reachability test; `oip exchange evidence` records it as measured
#   evidence and AL's tier in cyber rises from 1 to 2 on the monitor, with the evidence marked as
#   measured; an AMBER community alert from ENISA is then readable; a breach confirmed by two
#   ENISA liaison managers suspends AL, its next read of the AMBER item is refused and the
#   monitor explains why; the remedy (again four eyes) lifts the suspension and the read works.
#
# Usage: scripts/exchange-loop.sh [PORT]     (needs the venv: `make setup`)
set -euo pipefail
cd "$(dirname "$0")/.."
here=scripts/exchange-scenario
port=${1:-8766}
base="http://127.0.0.1:$port"
bin=${OIP_BIN:-.venv/bin}
OIP_VAR=$(mktemp -d /tmp/oip-loop.XXXXXX)
export OIP_VAR OIP_EXCHANGE_WORKER=external
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$OIP_VAR"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
call() {  # call METHOD PATH TOKEN [JSON]: sets $status and $body, prints a line
  local method=$1 path=$2 token=$3 data=${4:-} out
  if [ -n "$data" ]; then
    out=$(curl -sS -X "$method" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      --data "$data" -w '\n%{http_code}' "$base$path")
  else
    out=$(curl -sS -X "$method" -H "Authorization: Bearer $token" -w '\n%{http_code}' "$base$path")
  fi
  status=${out##*$'\n'}
  body=${out%$'\n'*}
  printf '%s %s -> %s %s\n' "$method" "$path" "$status" "${body:0:240}"
}
expect() {
  [ "$status" = "$1" ] || { echo "expected HTTP $1, got $status" >&2; exit 1; }
  if [ -n "${2:-}" ] && [[ "$body" != *"$2"* ]]; then echo "expected $2 in the answer" >&2; exit 1; fi
}
json() { "$bin/python" -c "$1" "$body"; }
standing() { "$bin/oip" standing --area cyber --country AL --format table | tail -n 1; }

step "a fresh database; synthetic evidence: AL holds tier 1 in cyber and meets all of tier 2 but reachability"
"$bin/oip" migrate --noinput -v0
"$bin/oip" catalogue load >/dev/null
"$bin/oip" evidence load-baseline >/dev/null
"$bin/oip" evidence import "$here/al-cyber-all-but-reachable.yaml"
standing

step "organisations, people, tokens"
"$bin/oip" exchange org add ENISA --name "European Union Agency for Cybersecurity" --kind eu_body --areas cyber --body enisa
"$bin/oip" exchange org add CSIRT-AL --name "AL national CSIRT" --kind national --areas cyber --country AL --functions national_csirt
"$bin/oip" exchange user add enisa-lm1 --org ENISA --role liaison_manager --clearance red --areas cyber
"$bin/oip" exchange user add enisa-lm2 --org ENISA --role liaison_manager --clearance red --areas cyber
"$bin/oip" exchange user add al-cp --org CSIRT-AL --role contact_point --clearance amber+strict --areas cyber
enisa=$("$bin/oip" exchange token issue enisa-lm1 --expires-in 1d)
al=$("$bin/oip" exchange token issue al-cp --expires-in 1d)

step "oip serve on port $port"
"$bin/oip" serve --port "$port" >"$OIP_VAR/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$OIP_VAR/serve.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf "$base/healthz" >/dev/null

step "ENISA schedules a reachability test of CSIRT-AL in a 10-second window"
start=$("$bin/python" -c "import datetime as d; print(d.datetime.now(d.UTC).isoformat(timespec='seconds'))")
end=$("$bin/python" -c "import datetime as d; print((d.datetime.now(d.UTC)+d.timedelta(seconds=10)).isoformat(timespec='seconds'))")
test_id=$("$bin/oip" exchange reachability schedule --org CSIRT-AL --area cyber --window-start "$start" --window-end "$end" --by enisa-lm1)
echo "test $test_id"

step "the tick sends the challenge at its random instant; AL's contact point finds it in the inbox"
item=""
for _ in $(seq 1 40); do
  "$bin/oip" exchange tick >/dev/null
  call GET "/api/v1/exchange/inbox?area=cyber&state=all" "$al" >/dev/null
  item=$(json "import json,sys; rows=json.loads(sys.argv[1]); rows=rows.get('items', rows) if isinstance(rows, dict) else rows; print(next((r['id'] for r in rows if r.get('template')=='reachability-test'), ''))")
  [ -n "$item" ] && break
  sleep 1
done
[ -n "$item" ] || { echo "the challenge never arrived" >&2; exit 1; }
call GET "/api/v1/exchange/notifications/$item" "$al"
expect 200
code=$(json "
import json, sys
def find(node):
    if isinstance(node, dict):
        if isinstance(node.get('code'), str): return node['code']
        return next((c for c in map(find, node.values()) if c), None)
    if isinstance(node, list):
        return next((c for c in map(find, node) if c), None)
print(find(json.loads(sys.argv[1])) or '')")

step "AL answers by echoing the code"
call POST "/api/v1/exchange/reachability-tests/$test_id/answer" "$al" "{\"code\": \"$code\"}"
expect 200 '"met"'

step "measured performance becomes evidence; AL rises to tier 2 in cyber"
"$bin/oip" exchange evidence
standing
page=$(curl -sf "$base/countries/AL/")
[[ "$page" == *"measured by the liaison exchange"* ]] || { echo "no measured mark on /countries/AL/" >&2; exit 1; }
echo "/countries/AL/ cites the test: measured by the liaison exchange"

step "ENISA sends an AMBER community alert; AL (tier 2: community up to AMBER) reads it"
example=$("$bin/python" -c "import json; from oip.liaison.templates import shipped; print(json.dumps(shipped().get('cyber-incident').stages['early_warning'].examples[0]))")
call POST /api/v1/exchange/notifications "$enisa" \
  "{\"template\": \"cyber-incident\", \"area\": \"cyber\", \"tlp\": \"amber\", \"audience\": \"community\", \"addressees\": [], \"stage\": \"early_warning\", \"payload\": $example, \"exercise\": null}"
expect 201
alert=$(json "import json,sys; print(json.loads(sys.argv[1])['id'])")
call GET "/api/v1/exchange/notifications/$alert" "$al"
expect 200

step "a breach (AMBER mishandled) is reported and confirmed by two ENISA liaison managers"
breach=$("$bin/oip" exchange breach report --by enisa-lm1 --concerned CSIRT-AL --area cyber --tlp amber)
"$bin/oip" exchange breach sign "$breach" confirm --by enisa-lm1
"$bin/oip" exchange breach sign "$breach" confirm --by enisa-lm2
standing
call GET "/api/v1/exchange/notifications/$alert" "$al"
expect 403 withdrawn_suspension
page=$(curl -sf "$base/countries/AL/")
[[ "$page" == *"Suspended"* ]] || { echo "the monitor does not say AL is suspended" >&2; exit 1; }
echo "/countries/AL/ says: $(printf '%s' "$page" | "$bin/python" -c "import re,sys; t=re.sub(r'<[^>]+>',' ',sys.stdin.read()); m=re.search(r'Suspended[^.]*\.', t); print(' '.join(m.group(0).split()) if m else '')")"

step "ENISA's word that it was remedied (four eyes) lifts the suspension"
"$bin/oip" exchange breach sign "$breach" remedy --by enisa-lm1
"$bin/oip" exchange breach sign "$breach" remedy --by enisa-lm2
standing
call GET "/api/v1/exchange/notifications/$alert" "$al"
expect 200

step "the outbox and the audit chain"
"$bin/oip" exchange outbox --format table
"$bin/oip" exchange audit verify
echo
echo "loop passed"
