#!/usr/bin/env bash
# A walk through the rowcol CLI against `rowcol sandbox serve`: start a sandbox, seed a company,
# connect it, sync, look at the data, pay a bill twice (once in QBO), reconcile, verify.
# Usage: Samples/cli-walkthrough.sh [path-to-rowcol]   (default: swift build's .build/debug/rowcol)
set -euo pipefail
cd "$(dirname "$0")/.."
rowcol=${1:-.build/debug/rowcol}
[ -x "$rowcol" ] || swift build --product rowcol
work=$(mktemp -d -t rowcol-walkthrough.XXXXXX)
trap 'kill $sandbox_pid 2>/dev/null || true; wait $sandbox_pid 2>/dev/null || true; rm -rf "$work"' EXIT

say() { printf '\n$ %s\n' "$*"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# The sandbox prints its URL on its first line.
"$rowcol" sandbox serve --data "$work/sandbox" > "$work/sandbox.out" &
sandbox_pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/sandbox.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/sandbox.out" | head -n 1)
echo "sandbox at $url"

curl -fsS -X POST "$url/__sandbox/realms" -d '{"realm": "4620816", "seed": 5, "bills": 20, "invoices": 10}' > /dev/null
token=$(curl -fsS -X POST "$url/__sandbox/realms/4620816/tokens" | json '["refresh_token"]')

export ROWCOL_WORKSPACE="$work/books"
say "rowcol init";                      "$rowcol" init
say "rowcol advisor add ada";           "$rowcol" advisor add ada
say "rowcol connect …";                 "$rowcol" connect --advisor ada --business acme --realm 4620816 --base-url "$url" --refresh-token "$token"
say "rowcol sync --strict";             "$rowcol" sync --strict
say "rowcol bills --business acme --open"; "$rowcol" bills --business acme --open > "$work/bills.txt"; tail -n 3 "$work/bills.txt"
say "rowcol balances --business acme";  "$rowcol" balances --business acme
bill=$("$rowcol" bills --business acme --open --json | json '["items"][0]["id"]')
say "rowcol pay … (twice)";             "$rowcol" pay --business acme --bill "$bill" --amount 10.00 --on 2026-12-01
                                      "$rowcol" pay --business acme --bill "$bill" --amount 10.00 --on 2026-12-01
created=$(curl -fsS "$url/__sandbox/stats" | json '["billpayments_created"]')
echo "payments created in QBO: $created"
[ "$created" = 1 ] || { echo "expected exactly one payment"; exit 1; }
curl -fsS -X PATCH "$url/__sandbox/realms/4620816/bill/$bill" -d '{"DocNumber": "CHANGED-IN-QBO"}' > /dev/null
say "rowcol recon";                     "$rowcol" recon
"$rowcol" bills --business acme --json | grep -q CHANGED-IN-QBO || { echo "recon did not bring the change"; exit 1; }
say "rowcol status";                    "$rowcol" status
say "rowcol snapshot --business acme";  "$rowcol" snapshot --business acme --no-strict --html "$work/report.html" > "$work/snapshot.txt"; head -n 12 "$work/snapshot.txt"
grep -q "<svg" "$work/report.html" || { echo "the HTML report has no chart"; exit 1; }
say "rowcol verify";                    "$rowcol" verify
echo
echo "walkthrough ok"
