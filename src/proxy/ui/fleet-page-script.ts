/**
 * The live page's script, plain ES2020 run as is by the browser (no build step). It reads
 * `GET /v1/router/events` with fetch and a stream reader, so the key travels in the Authorization
 * header, never in a URL; it parses the SSE frames itself and draws with DOM calls (textContent,
 * never innerHTML: deployment ids and error codes are data, not markup).
 *
 * Kept free of backticks and dollar-brace so it can live in this template literal untouched.
 */
export const fleetPageScript = String.raw`
'use strict';
(function () {
  var KEY_ITEM = 'rxllm.key';
  var MAX_EVENTS = 60;
  var MAX_WINDOW_MS = 5 * 60000;
  var MAX_POINTS = 80;
  var SVG = 'http://www.w3.org/2000/svg';

  var fleetEl = document.getElementById('fleet');
  var eventsEl = document.getElementById('events');
  var connEl = document.getElementById('conn');
  var summaryEl = document.getElementById('summary');
  var formEl = document.getElementById('key-form');
  var keyEl = document.getElementById('key');
  var keyErrorEl = document.getElementById('key-error');

  /** Server (scheduler) time minus this browser's clock, from the latest snapshot. */
  var offset = 0;
  /** id -> { info, card, parts, samples: Map } in model_list order. */
  var deployments = new Map();
  var eventCount = 0;
  var retryMs = 1000;
  var drawQueued = false;

  function serverNow() { return Date.now() + offset; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var name in attrs) node.setAttribute(name, attrs[name]);
    (children || []).forEach(function (child) {
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    for (var name in attrs) node.setAttribute(name, String(attrs[name]));
    return node;
  }

  function setConnection(state, text) {
    connEl.dataset.connection = state;
    document.body.dataset.view = state;
    connEl.textContent = text;
  }

  function ms(value) {
    if (value === null || value === undefined || !isFinite(value)) return '–';
    return value >= 10000 ? (value / 1000).toFixed(1) + ' s' : Math.round(value) + ' ms';
  }
  function seconds(value) {
    return (value / 1000).toFixed(value < 10000 ? 1 : 0) + ' s';
  }
  function clock(at) {
    return new Date(at - offset).toLocaleTimeString([], { hour12: false });
  }

  // ---------- cards ----------
  function groupSection(group) {
    var id = 'group-' + encodeURIComponent(group).replace(/%/g, '_');
    var section = document.getElementById(id);
    if (section) return section.querySelector('.cards');
    var heading = el('h2', { id: id + '-title' }, ['Model group ', el('span', null, [group])]);
    var cards = el('div', { class: 'cards' });
    section = el('section', { id: id, class: 'group', 'aria-labelledby': id + '-title', 'data-group': group }, [heading, cards]);
    fleetEl.append(section);
    return cards;
  }

  function sparkFigure(kind, label) {
    var value = el('b', { 'data-value': '' }, ['–']);
    var graph = svg('svg', { viewBox: '0 0 300 44', preserveAspectRatio: 'none', role: 'img', 'aria-label': label + ': no calls yet' });
    var figure = el('figure', { class: 'spark', 'data-sparkline': kind, 'data-points': '0' }, [
      el('figcaption', null, [label, value]),
    ]);
    figure.append(graph);
    return { figure: figure, value: value, graph: graph, label: label };
  }

  function createCard(info) {
    var n = deployments.size;
    var titleId = 'deployment-' + n;
    var badge = el('span', { class: 'badge', 'data-state': 'healthy', role: 'status', 'aria-live': 'polite' }, ['Healthy']);
    var meta = el('p', { class: 'meta' }, [info.provider + '/' + info.model + (info.apiBase ? ' · ' + info.apiBase : ' · mock')]);
    var reason = el('p', { class: 'reason', 'data-cooldown-reason': '' });
    function stat(name, attr) {
      var dd = el('dd', {}, ['0']);
      dd.setAttribute(attr, '');
      return { box: el('div', null, [el('dt', null, [name]), dd]), dd: dd };
    }
    var inFlight = stat('In flight', 'data-in-flight');
    var success = stat('Success, 1 min', 'data-success-rate');
    var failures = stat('Failed, 1 min', 'data-failures');
    var total = stat('Calls', 'data-total');
    var ttfc = sparkFigure('ttfc', 'Time to first chunk');
    var latency = sparkFigure('latency', 'Latency');
    var card = el('article', { class: 'card', 'data-deployment': info.id, 'data-health': 'healthy', 'aria-labelledby': titleId }, [
      el('div', { class: 'card-head' }, [el('h3', { id: titleId }, [info.id]), badge]),
      meta,
      reason,
      el('dl', { class: 'stats' }, [inFlight.box, success.box, failures.box, total.box]),
      ttfc.figure,
      latency.figure,
    ]);
    groupSection(info.group).append(card);
    return {
      info: info, card: card, samples: [],
      parts: { badge: badge, reason: reason, inFlight: inFlight.dd, success: success.dd, failures: failures.dd, total: total.dd, ttfc: ttfc, latency: latency },
    };
  }

  // A sample arrives twice, in its event and in the next snapshots, stamped a tick apart at most; two
  // calls may also end with the same latency in the same instant. So one event, and one sample of a
  // snapshot, each stand for one held sample: a held sample matches at most one event, and at most
  // one sample of each snapshot.
  function alike(s, sample) { return s.latencyMs === sample.latencyMs && Math.abs(s.at - sample.at) < 20; }

  function addEventSample(entry, sample) {
    var held = entry.samples.find(function (s) { return !s.evented && alike(s, sample); });
    if (held) held.evented = true;
    else { sample.evented = true; entry.samples.push(sample); }
  }

  function addSnapshotSamples(entry, samples) {
    var matched = [];
    samples.forEach(function (sample) {
      var held = entry.samples.find(function (s) { return matched.indexOf(s) === -1 && alike(s, sample); });
      if (held) matched.push(held);
      else { entry.samples.push(sample); matched.push(sample); }
    });
  }

  function applySnapshot(snapshot) {
    offset = snapshot.now - Date.now();
    snapshot.deployments.forEach(function (info) {
      var entry = deployments.get(info.id);
      if (!entry) { entry = createCard(info); deployments.set(info.id, entry); }
      entry.info = info;
      addSnapshotSamples(entry, info.samples);
    });
    drawAll();
  }

  function drawBadge(entry) {
    var info = entry.info;
    var p = entry.parts;
    var text = 'Healthy';
    if (info.state === 'cooling' && info.cooldown) {
      var left = Math.max(0, info.cooldown.until - serverNow());
      p.badge.dataset.secondsLeft = (left / 1000).toFixed(1);
      text = 'Cooling · ' + (left / 1000).toFixed(1) + ' s left';
    } else {
      delete p.badge.dataset.secondsLeft;
      if (info.halfOpen) text = 'Probing · ' + info.halfOpen.probesInFlight + ' in flight';
      else if (info.state === 'partial') text = 'Partial';
      else if (info.state !== 'healthy') text = String(info.state);
    }
    p.badge.dataset.state = info.state;
    entry.card.dataset.health = info.state;
    if (p.badge.textContent !== text) p.badge.textContent = text;
  }

  // Calls equally spaced, oldest left: a sparkline reads as a sequence, and stays legible whether the
  // last minutes held three calls or three hundred (only the latest MAX_POINTS are drawn).
  function drawSpark(part, all, now) {
    var graph = part.graph;
    while (graph.firstChild) graph.firstChild.remove();
    var points = all.slice(-MAX_POINTS);
    part.figure.dataset.points = String(points.length);
    if (points.length === 0) {
      var empty = svg('text', { x: 0, y: 28, class: 'empty' });
      empty.textContent = 'no calls yet';
      graph.append(empty);
      part.value.textContent = '–';
      graph.setAttribute('aria-label', part.label + ': no calls yet');
      return;
    }
    var ok = points.filter(function (p) { return !p.failed; });
    var values = ok.map(function (p) { return p.value; });
    var max = Math.max.apply(null, values.concat([1])) * 1.15;
    var step = points.length > 1 ? 296 / (points.length - 1) : 0;
    function x(i) { return points.length > 1 ? 2 + i * step : 298; }
    function y(v) { return 41 - (Math.min(v, max) / max) * 37; }
    var line = '';
    var firstX = 0;
    var lastX = 0;
    points.forEach(function (p, i) {
      if (p.failed) {
        graph.append(svg('line', { x1: x(i), x2: x(i), y1: 4, y2: 44, class: 'fail-line', 'vector-effect': 'non-scaling-stroke' }));
        graph.append(svg('rect', { x: x(i) - 2, y: 38, width: 4, height: 6, rx: 1, class: 'fail' }));
        return;
      }
      if (!line) firstX = x(i);
      lastX = x(i);
      line += (line ? ' L' : 'M') + x(i).toFixed(1) + ' ' + y(p.value).toFixed(1);
    });
    if (line) {
      graph.prepend(svg('path', { d: line + ' L' + lastX.toFixed(1) + ' 44 L' + firstX.toFixed(1) + ' 44 Z', fill: 'currentColor', class: 'area', stroke: 'none' }));
      graph.append(svg('path', { d: line, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.6, 'vector-effect': 'non-scaling-stroke', 'stroke-linejoin': 'round', 'stroke-linecap': 'round' }));
    }
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : undefined;
    var lastValue = ok.length ? ok[ok.length - 1].value : undefined;
    part.value.textContent = 'last ' + ms(lastValue) + ' · p50 ' + ms(median);
    var failed = points.length - ok.length;
    var span = Math.max(1, Math.ceil((now - points[0].at) / 60000));
    graph.setAttribute('aria-label', part.label + ', last ' + points.length + ' calls over ' + span + ' min: median ' + ms(median) +
      ', latest ' + ms(lastValue) + (failed ? ', ' + failed + ' failed' : ''));
  }

  function drawCard(entry) {
    var info = entry.info;
    var p = entry.parts;
    drawBadge(entry);
    p.reason.textContent = info.state === 'cooling' && info.cooldown ? 'Cooling after ' + (info.cooldown.reason || 'failures') : '';
    p.inFlight.textContent = String(info.inFlight);
    var minute = info.lastMinute;
    p.success.textContent = minute.calls ? Math.round((minute.successes / minute.calls) * 100) + ' %' : '–';
    p.failures.textContent = String(minute.failures);
    p.total.textContent = String(info.totals.started);
    var now = serverNow();
    var samples = entry.samples
      .filter(function (s) { return s.at > now - MAX_WINDOW_MS; })
      .sort(function (a, b) { return a.at - b.at; });
    entry.samples = samples;
    drawSpark(p.ttfc, samples.filter(function (s) { return s.ttftMs !== null && s.ttftMs !== undefined; })
      .map(function (s) { return { at: s.at, value: s.ttftMs, failed: false }; }), now);
    drawSpark(p.latency, samples.map(function (s) { return { at: s.at, value: s.latencyMs, failed: !!s.failed || !!s.timedOut }; }), now);
  }

  function drawAll() {
    var counts = { healthy: 0, partial: 0, cooling: 0 };
    var inFlight = 0;
    deployments.forEach(function (entry) {
      drawCard(entry);
      counts[entry.info.state] = (counts[entry.info.state] || 0) + 1;
      inFlight += entry.info.inFlight;
    });
    summaryEl.textContent = deployments.size + ' deployments · ' + counts.healthy + ' healthy · ' + counts.partial + ' partial · ' +
      counts.cooling + ' cooling · ' + inFlight + ' in flight';
  }

  function queueDraw() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(function () { drawQueued = false; drawAll(); });
  }

  // ---------- events ----------
  // Routine per-call events feed the cards, not the list (it is for what went wrong or changed course);
  // every other type, known or not, is listed.
  var QUIET = { attemptStarted: true, attemptSucceeded: true, attemptCancelled: true, callStarted: true, callSucceeded: true };

  function describe(type, e) {
    switch (type) {
      case 'retry': return e.group + ': retry ' + e.retry + (e.delayMs ? ' after ' + ms(e.delayMs) : '');
      case 'fallback': return 'Fallback from ' + e.from + ' to ' + e.to;
      case 'cooldownStarted': return e.deployment + ' cooling for ' + seconds(e.until - e.at) + (e.reason ? ' after ' + e.reason : '');
      case 'cooldownEnded': return e.deployment + ' cooldown over: on probation';
      case 'probeStarted': return e.deployment + ': probe call (' + e.probesInFlight + ' in flight)';
      case 'probeSucceeded': return e.deployment + ' passed its probe: all traffic again';
      case 'probeFailed': return e.deployment + ' failed its probe (' + e.code + '): cooling for ' + seconds(e.cooldownMs);
      case 'hedgeStarted': return e.group + ': hedge #' + e.hedge + ' on ' + e.deployment + ' after ' + ms(e.afterMs) + ' without a first chunk';
      case 'hedgeWon': return e.group + ': ' + e.winner + ' won the race' + (e.losers.length ? ', ' + e.losers.join(', ') + ' aborted' : '');
      case 'hedgeSkipped': return e.group + ': hedge skipped (' + (e.reason === 'budget' ? 'hedge_budget spent' : 'no other deployment') + ')';
      case 'attemptFailed': return e.deployment + ': ' + e.status + ' ' + e.code + ' after ' + ms(e.latencyMs) + (e.counted === false ? ' (not counted)' : '');
      case 'dropped': return e.count + ' events skipped: this page read too slowly';
      default:
        // An event type this page does not know yet: its plain fields, so nothing is hidden.
        return Object.keys(e).filter(function (k) { return k !== 'type' && k !== 'at' && (typeof e[k] !== 'object' || e[k] === null); })
          .map(function (k) { return k + '=' + e[k]; }).join(' ');
    }
  }

  function listEvent(type, e) {
    var none = eventsEl.querySelector('.none');
    if (none) none.remove();
    var at = typeof e.at === 'number' ? e.at : serverNow();
    var item = el('li', { 'data-event-type': type }, [
      el('time', { datetime: new Date(at - offset).toISOString() }, [clock(at)]),
      el('span', { class: 'kind' }, [type]),
      el('span', { class: 'text' }, [describe(type, e)]),
    ]);
    if (typeof e.deployment === 'string') item.dataset.eventDeployment = e.deployment;
    eventsEl.prepend(item);
    eventCount += 1;
    while (eventsEl.children.length > MAX_EVENTS) eventsEl.lastElementChild.remove();
  }

  function applyEvent(type, e) {
    var entry = e && typeof e.deployment === 'string' ? deployments.get(e.deployment) : undefined;
    if (entry) {
      // The next snapshot brings the truth; these make the page move in the same instant.
      if (type === 'attemptSucceeded') addEventSample(entry, { at: e.at, latencyMs: e.latencyMs, ttftMs: e.ttftMs, timedOut: false });
      else if (type === 'attemptFailed' && typeof e.latencyMs === 'number') addEventSample(entry, { at: e.at, latencyMs: e.latencyMs, ttftMs: null, failed: true });
      else if (type === 'cooldownStarted') entry.info = Object.assign({}, entry.info, { state: 'cooling', cooldown: { until: e.until, reason: e.reason, msLeft: e.until - e.at } });
      // A cooldown only ever follows failures: partial until the next snapshot says otherwise.
      else if (type === 'cooldownEnded') entry.info = Object.assign({}, entry.info, { state: 'partial', cooldown: null });
      queueDraw();
    }
    if (!QUIET[type]) listEvent(type, e || {});
  }

  function dispatch(name, data) {
    var payload;
    try { payload = JSON.parse(data); } catch (error) { return; }
    if (name === 'snapshot' || name === 'deployments') applySnapshot(payload);
    else applyEvent(name, payload);
  }

  // ---------- the stream ----------
  /** An SSE parser (the WHATWG rules this stream uses: event, data, comments); calls back per event. */
  function sseParser(onEvent) {
    var buffer = '';
    var name = '';
    var data = [];
    return function (text) {
      buffer += text;
      var lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop();
      lines.forEach(function (line) {
        if (line === '') {
          if (data.length) onEvent(name || 'message', data.join('\n'));
          name = '';
          data = [];
          return;
        }
        if (line.charAt(0) === ':') return;
        var colon = line.indexOf(':');
        var field = colon === -1 ? line : line.slice(0, colon);
        var value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') name = value;
        else if (field === 'data') data.push(value);
      });
    };
  }

  function askForKey(message) {
    formEl.hidden = false;
    keyErrorEl.textContent = message || '';
    setConnection('key-needed', 'Key needed');
    keyEl.focus();
  }

  function retryLater(why) {
    var seconds = Math.round(retryMs / 1000);
    setConnection('retrying', why + ' · retrying in ' + seconds + ' s');
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  }

  async function connect() {
    var key = sessionStorage.getItem(KEY_ITEM);
    var headers = { accept: 'text/event-stream' };
    if (key) headers.authorization = 'Bearer ' + key;
    setConnection('connecting', 'Connecting…');
    var response;
    try {
      response = await fetch(new URL('v1/router/events', location.href), { headers: headers, cache: 'no-store' });
    } catch (error) {
      return retryLater('Proxy unreachable');
    }
    if (response.status === 401) {
      sessionStorage.removeItem(KEY_ITEM);
      return askForKey(key ? 'The proxy refused that key.' : '');
    }
    if (!response.ok || !response.body) return retryLater('Proxy answered ' + response.status);
    formEl.hidden = true;
    setConnection('live', 'Live');
    retryMs = 1000;
    var reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    var feed = sseParser(dispatch);
    try {
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        feed(chunk.value);
      }
    } catch (error) {
      // the connection dropped: reconnect below
    }
    retryLater('Disconnected');
  }

  formEl.addEventListener('submit', function (event) {
    event.preventDefault();
    var key = keyEl.value.trim();
    if (!key) return;
    sessionStorage.setItem(KEY_ITEM, key);
    keyEl.value = '';
    formEl.hidden = true;
    connect();
  });

  // Cooldowns tick down between snapshots.
  setInterval(function () { deployments.forEach(drawBadge); }, 200);
  connect();
})();
`;
