#!/bin/sh
# Case 11 (issue 16): how fast the sandbox serves a 1,000-row query page, one sandbox build against
# another in the same run. Each `rowcol sandbox serve --no-throttle` gets a realm of 20,000 bills,
# 5,000 invoices (no history); wrk then POSTs `SELECT * FROM Bill ORDERBY Id STARTPOSITION 5001
# MAXRESULTS 1000` (the page a sync asks for) for DURATION seconds, runs alternating between the two.
#
#   Benchmarks/sandbox-page.sh BASELINE_ROWCOL MEASURED_ROWCOL [RUNS] [DURATION]
set -eu
baseline=$1
measured=$2
runs=${3:-3}
duration=${4:-10}
work=$(mktemp -d)
trap 'for p in $(cat "$work"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

start() { # name binary -> prints base URL
    "$2" sandbox serve --port 0 --no-throttle >"$work/$1.out" 2>&1 &
    echo $! >"$work/$1.pid"
    while ! grep -q 'listening on' "$work/$1.out"; do
        kill -0 "$(cat "$work/$1.pid")" || { cat "$work/$1.out" >&2; exit 1; }
        sleep 0.2
    done
    url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/$1.out" | head -1)
    curl -sf -X POST "$url/__sandbox/realms" -H 'Content-Type: application/json' \
        -d '{"realm":"9380001","seed":3,"bills":20000,"invoices":5000,"accounts":5,"history_months":0}' >/dev/null
    token=$(curl -sf -X POST "$url/__sandbox/realms/9380001/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
    cat >"$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.body = "SELECT * FROM Bill ORDERBY Id STARTPOSITION 5001 MAXRESULTS 1000"
wrk.headers["Content-Type"] = "application/text"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
    echo "$url"
}

base_url=$(start baseline "$baseline")
measured_url=$(start measured "$measured")
# The same bytes from both (but for the server time and the intuit_tid header).
curl -sf -X POST "$base_url/v3/company/9380001/query" -H "Authorization: Bearer $(sed -n 's/.*Bearer \(.*\)"/\1/p' "$work/baseline.lua")" \
    -H 'Content-Type: application/text' -H 'Accept: application/json' \
    -d 'SELECT * FROM Bill ORDERBY Id STARTPOSITION 5001 MAXRESULTS 1000' | sed 's/"time":"[^"]*"//' >"$work/baseline.page"
curl -sf -X POST "$measured_url/v3/company/9380001/query" -H "Authorization: Bearer $(sed -n 's/.*Bearer \(.*\)"/\1/p' "$work/measured.lua")" \
    -H 'Content-Type: application/text' -H 'Accept: application/json' \
    -d 'SELECT * FROM Bill ORDERBY Id STARTPOSITION 5001 MAXRESULTS 1000' | sed 's/"time":"[^"]*"//' >"$work/measured.page"
if cmp -s "$work/baseline.page" "$work/measured.page"; then same=identical; else same=DIFFERENT; fi
echo "page: $(wc -c <"$work/measured.page") bytes, baseline and measured $same"

rate() { wrk -t2 -c4 -d"${duration}s" -s "$work/$1.lua" "$2/v3/company/9380001/query" | awk '/Requests\/sec/ {print $2}'; }
i=0
while [ $i -lt "$runs" ]; do
    b=$(rate baseline "$base_url")
    m=$(rate measured "$measured_url")
    echo "run $((i + 1)): baseline $b req/s, measured $m req/s, ratio $(python3 -c "print(f'{$m/$b:.2f}')")x; $(uptime)"
    i=$((i + 1))
done
