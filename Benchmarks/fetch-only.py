#!/usr/bin/env python3
"""The fetch-only baseline of case 10 (issue 16), in Python's standard library: http.client with
one kept-alive connection per realm, json.loads (its C parser), nothing stored. It asks the sandbox
for exactly the pages `rowcol sync --strict` asks for: a full paged query of each kind the sync
fetches (MirroredEntities.fetched, in the sync's order), 1,000 rows a page, ORDERBY Id, until a
short page. Realms are fetched concurrently (one thread each, as the sync runs businesses in
parallel), the kinds of one realm one after the other.

    fetch-only.py [--write DIR] <base-url> <realm>=<access-token> [<realm>=<access-token> ...]

With `--write DIR` it also writes every row to its own file, DIR/<realm>/<Entity>/<Id>.json (sorted
keys, compact: the C encoder, so formatting costs it little), with no fsync and no rename: what a client that
keeps one file per entity pays the file system at the least, the floor under a durable mirror.

Prints `pages=N rows=N seconds=S`.
"""
import os
import http.client
import json
import sys
import threading
import time
import urllib.parse

KINDS = [("Bill", None), ("Invoice", None), ("Account", "AccountType = 'Bank'"), ("Payment", None),
         ("BillPayment", None), ("Purchase", None)]
PAGE = 1000


def fetch_realm(base, realm, token, totals, lock, write):
    connection = http.client.HTTPConnection(base.hostname, base.port, timeout=600)
    pages = rows = 0
    for entity, condition in KINDS:
        start = 1
        while True:
            statement = f"SELECT * FROM {entity}" + (f" WHERE {condition}" if condition else "")
            statement += f" ORDERBY Id STARTPOSITION {start} MAXRESULTS {PAGE}"
            connection.request("POST", f"/v3/company/{realm}/query?minorversion=75", body=statement.encode(),
                               headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                                        "Content-Type": "application/text"})
            answer = connection.getresponse()
            body = answer.read()
            pages += 1
            if answer.status != 200:
                raise SystemExit(f"{realm} {statement}: HTTP {answer.status} {body[:300]!r}")
            items = json.loads(body)["QueryResponse"].get(entity, [])
            # Touch every row as a client reading it would: its id and sync token.
            folder = os.path.join(write, realm, entity) if write else None
            if folder:
                os.makedirs(folder, exist_ok=True)
            for item in items:
                if "Id" not in item or "SyncToken" not in item:
                    raise SystemExit(f"{realm}: a {entity} row without Id or SyncToken")
                if folder:
                    with open(os.path.join(folder, f"{item['Id']}.json"), "w") as file:
                        file.write(json.dumps(item, sort_keys=True))
            rows += len(items)
            start += len(items)
            if len(items) < PAGE:
                break
    with lock:
        totals[0] += pages
        totals[1] += rows


def main():
    arguments = sys.argv[1:]
    write = None
    if arguments[:1] == ["--write"]:
        if len(arguments) < 2:
            raise SystemExit("--write needs a folder")
        write, arguments = arguments[1], arguments[2:]
    if len(arguments) < 2:
        raise SystemExit("usage: fetch-only.py [--write DIR] <base-url> <realm>=<access-token> ...")
    base = urllib.parse.urlparse(arguments[0])
    realms = [argument.split("=", 1) for argument in arguments[1:]]
    totals, lock = [0, 0], threading.Lock()
    started = time.monotonic()
    threads = [threading.Thread(target=fetch_realm, args=(base, realm, token, totals, lock, write)) for realm, token in realms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"pages={totals[0]} rows={totals[1]} seconds={time.monotonic() - started}")


if __name__ == "__main__":
    main()
