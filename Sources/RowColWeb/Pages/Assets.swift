import Foundation

/// The workbench's only stylesheet and script, compiled in and served from `/assets/`: no CDN, no
/// npm, no build step, and nothing inline, so the Content-Security-Policy can refuse inline code.
/// Every page reads fine without the script; it only adds live filtering and sorting, payments and
/// syncs without a page load, copy buttons, and a reload when the data changes.
enum Assets {
    static let css = """
    :root{--ink:#1d2430;--muted:#5b6575;--line:#d8dde6;--soft:#eceff4;--bad:#b3261e;--good:#1e7b34;--warn:#9a6700;--accent:#2f5fb3}
    *{box-sizing:border-box}
    body{font:14px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--ink);margin:0;background:#fafbfc}
    main{max-width:1180px;margin:0 auto;padding:16px 24px 32px}
    nav.top{display:flex;gap:4px;align-items:center;padding:8px 24px;background:#1d2430;color:#fff;flex-wrap:wrap}
    nav.top a{color:#c9d3e3;text-decoration:none;padding:6px 10px;border-radius:6px}
    nav.top a.active,nav.top a:hover{background:#2c3646;color:#fff}
    nav.top .brand{font-weight:700;margin-right:12px}nav.top .who{margin-left:auto;color:#c9d3e3}
    .badge{background:#9a6700;color:#fff;border-radius:4px;padding:1px 6px;font-size:12px}
    h1{font-size:22px;margin:8px 0 4px}h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
    .meta,.note,footer{color:var(--muted)}.note{font-size:12px}
    footer{max-width:1180px;margin:0 auto;padding:12px 24px;font-size:12px}
    .cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:12px}
    .card{flex:1 1 150px;border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fff}
    .card .label{font-size:12px;color:var(--muted)}.card .value{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}
    .card small{display:block;font-size:11px;color:var(--muted)}.card.bad .value{color:var(--bad)}.card.good .value{color:var(--good)}
    table.data{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;background:#fff}
    table.data th,table.data td{padding:4px 8px;border-bottom:1px solid var(--soft);text-align:left;vertical-align:top}
    table.data th{font-size:12px;color:var(--muted);white-space:nowrap}table.data th a{color:inherit}
    table.data th.sorted-asc::after{content:" ▲"}table.data th.sorted-desc::after{content:" ▼"}
    .num{text-align:right;white-space:nowrap}.neg{color:var(--bad)}.pos{color:var(--good)}
    code.flag{background:#fff4d6;padding:1px 4px;border-radius:3px;font-size:12px}
    .toolbar{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin:8px 0}
    .toolbar input[type=search]{padding:4px 8px;min-width:220px}
    button,.button{font:inherit;padding:4px 10px;border:1px solid var(--accent);background:var(--accent);color:#fff;border-radius:6px;cursor:pointer}
    button.secondary{background:#fff;color:var(--accent)}button:disabled{opacity:.5;cursor:default}
    form.inline{display:inline-flex;gap:4px;align-items:center;margin:0}
    form.inline input{width:7.5em;padding:2px 4px}form.inline input[type=date]{width:auto}
    .notice,.live{max-width:1180px;margin:8px auto 0;padding:8px 12px;border-radius:6px;background:#e8f0fe;border:1px solid #bcd0f5}
    .live{background:#fff4d6;border-color:#f0d58a}
    output.result{display:block;font-size:12px;margin-top:2px}output.sent{color:var(--good)}output.queued{color:var(--warn)}output.rejected{color:var(--bad)}
    textarea.reminder{width:100%;min-height:7em;font:12px/1.4 ui-monospace,Menlo,monospace}
    svg{display:block}svg.chart{width:100%;height:auto;background:#fff;border:1px solid var(--line);border-radius:8px}
    svg.spark{width:120px;height:28px}svg.chart a:hover rect.slot,svg.chart rect.slot.selected{fill:#e8f0fe}
    .grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}@media (max-width:800px){.grid2{grid-template-columns:1fr}}
    .muted{color:var(--muted)}ul.lines{list-style:none;padding:0;margin:0}ul.lines li{padding:3px 0;border-bottom:1px solid var(--soft)}
    details summary{cursor:pointer}pre.payload{background:#fff;border:1px solid var(--line);padding:8px;overflow:auto;max-height:60vh}
    """

    static let js = """
    "use strict";
    (function () {
      var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

      // Live filter: <input data-filter="table-id"> hides the rows that do not contain the text.
      document.querySelectorAll("input[data-filter]").forEach(function (input) {
        var table = document.getElementById(input.getAttribute("data-filter"));
        if (!table) return;
        input.addEventListener("input", function () {
          var needle = input.value.trim().toLowerCase();
          table.querySelectorAll("tbody tr").forEach(function (row) {
            row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0;
          });
        });
      });

      // Sort a table by a header click, by data-sort values (numbers as numbers).
      document.querySelectorAll("table.data").forEach(function (table) {
        table.querySelectorAll("thead th").forEach(function (th) {
          if (th.querySelector("a")) return;
          th.style.cursor = "pointer";
          th.addEventListener("click", function () {
            var col = Number(th.getAttribute("data-col"));
            var asc = !th.classList.contains("sorted-asc");
            table.querySelectorAll("thead th").forEach(function (o) { o.classList.remove("sorted-asc", "sorted-desc"); });
            th.classList.add(asc ? "sorted-asc" : "sorted-desc");
            var body = table.tBodies[0];
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) {
              var x = key(a.cells[col]), y = key(b.cells[col]);
              var c = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
              return asc ? c : -c;
            });
            rows.forEach(function (r) { body.appendChild(r); });
          });
        });
      });
      function key(cell) {
        if (!cell) return "";
        var v = cell.getAttribute("data-sort");
        if (v === null) v = cell.textContent.trim();
        var n = Number(v);
        return v !== "" && !isNaN(n) ? n : v.toLowerCase();
      }

      // Forms with data-api post JSON to the API instead of loading a page, and show the answer.
      document.querySelectorAll("form[data-api]").forEach(function (form) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var button = form.querySelector("button");
          if (button.disabled) return;
          button.disabled = true;
          var out = form.querySelector("output") || form.appendChild(document.createElement("output"));
          out.className = "result";
          out.textContent = form.getAttribute("data-busy") || "working…";
          var body = {};
          Array.prototype.forEach.call(form.elements, function (el) {
            if (el.name && el.name !== "csrf_token" && el.name !== "idempotency_key" && el.name !== "business") body[el.name] = el.value;
          });
          var headers = { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf };
          if (form.elements.idempotency_key) headers["Idempotency-Key"] = form.elements.idempotency_key.value;
          fetch(form.getAttribute("data-api"), { method: "POST", headers: headers, body: JSON.stringify(body), credentials: "same-origin" })
            .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, json: j }; }); })
            .then(function (r) {
              if (r.json.error) { out.className = "result rejected"; out.textContent = r.json.error.message; button.disabled = false; return; }
              if (r.json.outcome) {
                out.className = "result " + r.json.outcome;
                out.textContent = r.json.outcome + (r.json.replayed ? " (already)" : "") + ": " + r.json.message;
              } else {
                out.className = "result sent";
                out.textContent = "done";
                setTimeout(function () { location.reload(); }, 400);
              }
            })
            .catch(function (e) { out.className = "result rejected"; out.textContent = String(e); button.disabled = false; });
        });
      });

      // Copy buttons: data-copy names the element whose text is copied.
      document.querySelectorAll("button[data-copy]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          var source = document.getElementById(button.getAttribute("data-copy"));
          if (!source) return;
          source.select && source.select();
          var done = function () { button.textContent = "Copied"; };
          if (navigator.clipboard) navigator.clipboard.writeText(source.value || source.textContent).then(done, function () { document.execCommand("copy"); done(); });
          else { document.execCommand("copy"); done(); }
        });
      });

      // When a sync lands (here, from the scheduler, or from a terminal), reload — unless the
      // person is typing or has just acted, then only say so.
      // A plain form on its way must not be cut short by a reload.
      var submitting = false;
      document.addEventListener("submit", function (event) { if (!event.defaultPrevented) submitting = true; });
      if (window.EventSource) {
        var source = new EventSource("/events");
        source.addEventListener("business.changed", function (event) {
          var page = document.body.getAttribute("data-page");
          var data = {};
          try { data = JSON.parse(event.data); } catch (e) {}
          if (page.indexOf("/businesses/") === 0 && page !== "/businesses/" + data.business) return;
          var busy = document.activeElement && /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName);
          if (busy || submitting || document.querySelector("output.result")) { document.getElementById("live").hidden = false; return; }
          location.reload();
        });
      }
    })();
    """
}
