/** The live page's stylesheet: system fonts, CSS variables for the light and dark schemes, no images. */
export const fleetPageStyle = String.raw`
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --panel: #ffffff; --ink: #17191c; --muted: #5d6470; --line: #e3e6eb;
  --ok: #1a7f43; --ok-bg: #e5f4ea; --warn: #a15c00; --warn-bg: #fdf1dc; --bad: #b42318; --bad-bg: #fde8e6;
  --accent: #3559d1; --accent-ink: #ffffff; --ttfc: #7a4fd6; --lat: #1f7bb8;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111317; --panel: #1a1d23; --ink: #e8eaee; --muted: #9aa2ae; --line: #2b3038;
    --ok: #4cc27a; --ok-bg: #16301f; --warn: #f0a53a; --warn-bg: #33260f; --bad: #ff7a6b; --bad-bg: #3a1a17;
    --accent: #7d9bff; --accent-ink: #0b1020; --ttfc: #b394ff; --lat: #5fb4ec;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); }
.top { display: flex; align-items: center; gap: 16px; padding: 14px 28px; background: var(--panel); border-bottom: 1px solid var(--line); }
.top h1 { font-size: 18px; margin: 0; letter-spacing: .2px; }
.top h1 span { color: var(--muted); font-weight: 500; }
.summary { margin: 0 0 0 auto; color: var(--muted); font-variant-numeric: tabular-nums; }
.conn { margin: 0; display: inline-flex; align-items: center; gap: 7px; padding: 3px 10px; border-radius: 999px; font-size: 12.5px; font-weight: 600; background: var(--bg); color: var(--muted); }
.conn::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: currentColor; }
.conn[data-connection="live"] { color: var(--ok); background: var(--ok-bg); }
.conn[data-connection="retrying"], .conn[data-connection="key-needed"] { color: var(--warn); background: var(--warn-bg); }
main { display: grid; grid-template-columns: minmax(0, 1fr) 340px; gap: 24px; padding: 22px 28px; align-items: start; }
@media (max-width: 980px) { main { grid-template-columns: 1fr; } }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 0 0 10px; }
.group { margin-bottom: 22px; }
.group h2 span { text-transform: none; letter-spacing: 0; font-weight: 500; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 14px; }
.card { background: var(--panel); border: 1px solid var(--line); border-left: 4px solid var(--ok); border-radius: 10px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
.card[data-health="partial"] { border-left-color: var(--warn); }
.card[data-health="cooling"] { border-left-color: var(--bad); }
.card-head { display: flex; align-items: baseline; gap: 10px; }
.card h3 { font-size: 15px; margin: 0; overflow-wrap: anywhere; }
.badge { margin-left: auto; white-space: nowrap; font-size: 12px; font-weight: 650; padding: 2px 9px; border-radius: 999px; font-variant-numeric: tabular-nums; }
.badge[data-state="healthy"] { color: var(--ok); background: var(--ok-bg); }
.badge[data-state="partial"] { color: var(--warn); background: var(--warn-bg); }
.badge[data-state="cooling"] { color: var(--bad); background: var(--bad-bg); }
.meta { margin: 2px 0 10px; color: var(--muted); font-size: 12.5px; overflow-wrap: anywhere; }
.reason { margin: -4px 0 10px; font-size: 12.5px; color: var(--bad); }
.reason:empty { display: none; }
.stats { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin: 0 0 12px; }
.stats div { background: var(--bg); border-radius: 8px; padding: 6px 8px; }
.stats dt { font-size: 11px; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.stats dd { margin: 0; font-size: 17px; font-weight: 650; font-variant-numeric: tabular-nums; }
.spark { margin: 0 0 6px; }
.spark figcaption { display: flex; justify-content: space-between; font-size: 12px; color: var(--muted); }
.spark figcaption b { color: var(--ink); font-weight: 600; font-variant-numeric: tabular-nums; }
.spark svg { display: block; width: 100%; height: 44px; }
.spark .area { opacity: .14; }
.spark .empty { fill: var(--muted); font-size: 11px; }
.spark[data-sparkline="ttfc"] { color: var(--ttfc); }
.spark[data-sparkline="latency"] { color: var(--lat); }
.spark .fail { fill: var(--bad); }
.spark .fail-line { stroke: var(--bad); stroke-width: 1; stroke-dasharray: 2 2; opacity: .55; }
.events-panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; position: sticky; top: 16px; }
.events { list-style: none; margin: 0; padding: 0; max-height: calc(100vh - 150px); overflow: auto; font-size: 12.5px; }
.events li { display: grid; grid-template-columns: 58px auto; gap: 2px 8px; padding: 6px 0; border-top: 1px solid var(--line); }
.events li:first-child { border-top: 0; }
.events time { color: var(--muted); font-variant-numeric: tabular-nums; }
.events .kind { font-weight: 650; }
.events .text { grid-column: 2; color: var(--muted); overflow-wrap: anywhere; }
.events [data-event-type="cooldownStarted"] .kind, .events [data-event-type="attemptFailed"] .kind { color: var(--bad); }
.events [data-event-type="cooldownEnded"] .kind { color: var(--ok); }
.events [data-event-type="retry"] .kind, .events [data-event-type="fallback"] .kind, .events [data-event-type="dropped"] .kind { color: var(--warn); }
.events li.none { display: block; color: var(--muted); }
.key-form { grid-column: 1 / -1; max-width: 440px; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; }
.key-form h2 { color: var(--ink); }
.key-form p { color: var(--muted); margin: 0 0 12px; }
.key-form .row { display: flex; gap: 8px; }
.key-form input { flex: 1; font: inherit; padding: 7px 10px; border: 1px solid var(--line); border-radius: 7px; background: var(--bg); color: var(--ink); }
.key-form button { font: inherit; font-weight: 600; padding: 7px 14px; border: 0; border-radius: 7px; background: var(--accent); color: var(--accent-ink); cursor: pointer; }
.key-form [role="alert"] { color: var(--bad); margin: 10px 0 0; }
.key-form [role="alert"]:empty { display: none; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
/* Nothing to show until the key is in: only the form. */
body[data-view="key-needed"] .fleet-section, body[data-view="key-needed"] .events-panel { display: none; }
[hidden] { display: none !important; }
`;
