/**
 * The status page for store technicians: one self-contained HTML document that polls
 * /status.json every 2 s and renders it with textContent only (no HTML from data, so a
 * payment key cannot inject markup). It shows nothing secret: no tokens, no phone numbers.
 */
export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tillbridge status</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; background: #fafafa; }
  h1 { font-size: 1.3rem; margin: 0 0 .2rem; } h2 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
  .muted { color: #666; } .cards { display: flex; gap: 1rem; flex-wrap: wrap; }
  .card { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: .7rem 1rem; min-width: 11rem; }
  .card b { display: block; font-size: 1.4rem; }
  .ok { color: #0a7d32; } .degraded { color: #b26b00; } .down, .error { color: #c0172b; }
  table { border-collapse: collapse; background: #fff; width: 100%; max-width: 60rem; }
  table.narrow { width: auto; min-width: 22rem; }
  th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #eee; }
  th { background: #f0f0f0; }
  th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .st-captured, .st-refunded, .st-partially_refunded { color: #0a7d32; }
  .st-queued, .st-pending, .st-authorized, .st-cancelling { color: #b26b00; }
  .st-declined, .st-expired, .st-failed, .st-cancelled { color: #c0172b; }
  .banner { background: #c0172b; color: #fff; font-weight: 600; padding: .6rem 1rem; border-radius: 8px; margin: .6rem 0; }
</style>
</head>
<body>
<h1>tillbridge <span id="version" class="muted"></span></h1>
<div id="simulator-banner" class="banner" role="alert" hidden>SIMULATOR: provider.kind is "simulator"; no payment reaches Vipps and no money moves</div>
<div class="muted">Updated <span id="now">–</span> · refreshes every 2 s <span id="fetch-state"></span></div>
<h2>Health</h2>
<div class="cards">
  <div class="card">Daemon<b id="ready">–</b></div>
  <div class="card">Provider (<span id="provider-kind"></span>)<b id="provider-state">–</b><span id="provider-detail" class="muted"></span></div>
  <div class="card">Access token<b id="token">–</b></div>
  <div class="card">Journal<b id="journal-size">–</b><span id="journal-path" class="muted"></span></div>
  <div class="card">Unacked events<b id="unacked">–</b></div>
  <div class="card">Oldest unfinished<b id="oldest">–</b></div>
  <div class="card">Needing attention<b id="attention">–</b></div>
</div>
<h2>Tills connected</h2>
<table class="narrow"><thead><tr><th>Till</th><th class="num">Connections</th></tr></thead><tbody id="tills"></tbody></table>
<h2>Payments by status</h2>
<table class="narrow"><thead><tr><th>Status</th><th class="num">Count</th></tr></thead><tbody id="by-status"></tbody></table>
<h2>Recent payments</h2>
<table><thead><tr><th>Updated</th><th>Till</th><th>Key</th><th>Reference</th><th class="num">Amount</th><th>Status</th></tr></thead>
<tbody id="recent"></tbody></table>
<h2>Refused by Vipps</h2>
<table><thead><tr><th>At</th><th>Till</th><th>Key</th><th>Operation</th><th>Code</th><th>Message</th><th>Status</th><th>Attention</th></tr></thead>
<tbody id="refusals"></tbody></table>
<script>
const $ = (id) => document.getElementById(id)
// A cell is a value, or [value, class name].
function fill(tbody, rows) {
  tbody.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr')
    for (const c of cells) {
      const td = document.createElement('td')
      const [text, cls] = Array.isArray(c) ? c : [c, '']
      td.textContent = String(text)
      if (cls) td.className = cls
      tr.append(td)
    }
    return tr
  }))
}
function age(seconds) {
  const s = Math.floor(seconds)
  if (s < 60) return s + ' s'
  if (s < 3600) return Math.floor(s / 60) + ' min'
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min'
}
const status = (st) => [st, 'st-' + st]
function money(a) { return (a.value / 100).toFixed(2) + ' ' + a.currency }
function bytes(n) { return n > 1048576 ? (n / 1048576).toFixed(1) + ' MB' : (n / 1024).toFixed(0) + ' kB' }
async function refresh() {
  try {
    const res = await fetch('status.json', { cache: 'no-store', credentials: 'same-origin' })
    if (!res.ok) throw new Error('HTTP ' + res.status)
    const s = await res.json()
    $('version').textContent = s.version
    $('now').textContent = new Date(s.now).toLocaleTimeString()
    $('ready').textContent = s.ready ? 'ready' : 'starting'
    $('ready').className = s.ready ? 'ok' : 'degraded'
    $('provider-kind').textContent = s.provider.kind
    $('simulator-banner').hidden = s.provider.kind !== 'simulator'
    $('provider-state').textContent = s.provider.state
    $('provider-state').className = s.provider.state
    $('provider-detail').textContent = s.provider.detail || ''
    const left = Object.values(s.provider.tokenSecondsLeft).filter((v) => v !== null && v !== undefined)
    $('token').textContent = left.length ? age(Math.min(...left)) + ' left' : 'none yet'
    $('journal-size').textContent = bytes(s.journal.bytes + s.journal.walBytes)
    $('journal-path').textContent = s.journal.path
    $('unacked').textContent = s.payments.eventsUnacked
    $('oldest').textContent = s.payments.oldestUnfinishedAgeSeconds === undefined ? 'none' : age(s.payments.oldestUnfinishedAgeSeconds)
    fill($('tills'), s.tills.map((t) => [t.id, [t.connections, 'num']]))
    fill($('by-status'), Object.entries(s.payments.byStatus).map(([st, n]) => [status(st), [n, 'num']]))
    fill($('recent'), s.payments.recent.map((p) => [new Date(p.updatedAt).toLocaleTimeString(), p.tillId, p.key, p.reference, [money(p.amount), 'num'], status(p.status)]))
    $('attention').textContent = s.payments.needingAttention
    fill($('refusals'), s.payments.refusals.map((r) => [new Date(r.at).toLocaleTimeString(), r.tillId, r.key, r.operation, r.code, r.message, status(r.status), r.needsAttention ? 'yes' : '']))
    $('fetch-state').textContent = ''
    $('fetch-state').className = ''
  } catch (err) {
    $('fetch-state').textContent = '· cannot reach the daemon: ' + err.message
    $('fetch-state').className = 'error'
  }
}
refresh()
setInterval(refresh, 2000)
</script>
</body>
</html>
`
