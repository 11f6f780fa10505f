// gridbox's browser view: the lights, status and view pushed by the server
// (Server-Sent Events, /api/events) drawn on the virtual controller the page
// holds; presses and releases posted to /api/press in order.
'use strict';
(function () {
  // For tests: seq is the last lights event applied, lights what each
  // button shows ("x,y" → "off", "ff8000", "ff8000/flash", …), the
  // latencies in ms: press, a POST's round trip; led, from the server's
  // sending a lights change to its drawing here.
  const G = window.gridbox = {
    seq: 0, lights: {}, connected: false, pressLatency: [], ledLatency: [],
    view: null, status: null,
  };
  const keep = 1000; // latency figures kept
  // This page's id, sent with its events stream and its presses: the
  // server releases what the page holds when its last stream ends.
  const pageId = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => b.toString(16).padStart(2, '0')).join('');
  G.id = pageId;
  const $ = (id) => document.getElementById(id);
  const grid = $('grid');
  const pads = new Map(); // "x,y" → element
  for (const el of grid.querySelectorAll('.pad')) pads.set(el.dataset.x + ',' + el.dataset.y, el);
  const tracks = grid.querySelectorAll('.track');
  const scenes = grid.querySelectorAll('.scenename');

  function record(list, v) {
    list.push(v);
    if (list.length > keep) list.splice(0, list.length - keep);
  }
  function text(el, s) { if (el.textContent !== s) el.textContent = s; }

  // Lights.
  const animated = new Map(); // "x,y" → {el, mode}
  let snapshots = 0; // whole frames: one for each events stream
  function paint(key, t) {
    const el = pads.get(key);
    if (!el) return;
    G.lights[key] = t;
    el.dataset.light = t;
    animated.delete(key);
    el.style.opacity = '';
    el.classList.remove('dark');
    if (t === 'off') {
      el.style.backgroundColor = '';
      el.classList.remove('lit');
      return;
    }
    const [hex, mode] = t.split('/');
    el.style.backgroundColor = '#' + hex;
    el.classList.add('lit');
    if (mode) animated.set(key, { el, mode });
  }
  function lights(m) {
    if (m.full) {
      for (const k of pads.keys()) if (!(k in m.l)) paint(k, 'off');
    }
    for (const k in m.l) paint(k, m.l[k]);
    G.seq = m.seq;
    if (m.full) {
      // A new stream after another: the server let go of what this page
      // held when the old one ended (or will, if it has not seen it end),
      // so the page holds nothing either; the releases it sends are
      // ignored for a button it no longer holds, and let go of one it
      // pressed while the stream was down.
      if (snapshots++) releaseAll();
      G.connected = true;
      showConn();
    } else {
      record(G.ledLatency, Date.now() - m.t);
    }
  }

  // Flash is on in the first half of each beat; Pulse breathes once every
  // two beats, dim on the beat (grid.Follower). The beat runs on from the
  // last status at its tempo while the transport moves; while it stands,
  // lights flash at the tempo from the page's clock, as a Launchpad does.
  let beat0 = 0, at0 = performance.now(), running = false, tempo = 120;
  function beatsNow() {
    const t = performance.now();
    return running ? beat0 + (t - at0) / 60000 * tempo : t / 60000 * tempo;
  }
  function animate() {
    if (animated.size) {
      const b = beatsNow();
      const on = b - Math.floor(b) < 0.5;
      const ph = b / 2 - Math.floor(b / 2);
      // 32 steps of brightness: a pad is drawn again only when its step
      // changes, not every frame.
      const w = (Math.round(32 * (0.25 + 0.75 * (1 - Math.abs(2 * ph - 1)))) / 32).toString();
      for (const a of animated.values()) {
        const v = a.mode === 'flash' ? on : w;
        if (a.v === v) continue;
        a.v = v;
        if (a.mode === 'flash') a.el.classList.toggle('dark', !on);
        else if (a.mode === 'pulse') a.el.style.opacity = w;
      }
    }
    requestAnimationFrame(animate);
  }
  requestAnimationFrame(animate);

  // Status.
  const statusSpans = [];
  for (let i = 0; i < 10; i++) {
    const span = document.createElement('span');
    if (i === 7) span.id = 'device';
    statusSpans.push(span);
    $('status').appendChild(span);
  }
  function status(s) {
    G.status = s;
    beat0 = s.beats; at0 = performance.now(); running = s.running;
    tempo = s.tempo > 0 ? s.tempo : 120;
    const parts = [
      s.bar + '.' + s.beat,
      s.tempo.toFixed(1) + ' BPM',
      (s.running ? '▶ ' : '■ ') + s.playing + ' playing',
      'DSP ' + Math.round(s.dsp * 100) + '% (max ' + Math.round(s.maxDSP * 100) + '%)',
      s.voices + ' voices',
      s.underruns + ' underruns',
      s.late + ' late',
      (s.device || 'no device') + ': ' + (s.health || '?'),
      s.controllers.length ? s.controllers.join(', ') : 'no controllers',
      s.input ? 'input ' + s.input : '',
    ];
    // The spans are made once and their text changed only when it did, so
    // that ten statuses a second cost the page little.
    parts.forEach((p, i) => text(statusSpans[i], p));
    statusSpans[9].hidden = !s.input;
    const bad = s.health === 'playing' ? '' : 'bad';
    if (statusSpans[7].className !== bad) statusSpans[7].className = bad;
    text($('warnings'), s.warnings.join(' · '));
  }

  // View.
  let shownLists = '';
  function view(v) {
    G.view = v;
    text($('set'), v.set || v.file || 'gridbox');
    text($('mode'), v.mode);
    const nt = v.tracks.length, ns = v.scenes.length;
    const span = (a, n) => n ? (a + 1) + '–' + Math.min(a + 8, n) + ' of ' + n : 'none';
    text($('window'), 'tracks ' + span(v.track0, nt) + ' · scenes ' + span(v.scene0, ns));
    tracks.forEach((el, i) => {
      const t = v.tracks[v.track0 + i];
      text(el, t ? t.name : '');
      el.title = t ? t.name : '';
      el.style.borderBottomColor = t ? '#' + t.color : 'transparent';
    });
    scenes.forEach((el, j) => {
      const n = v.scene0 + j, s = v.scenes[n];
      text(el, s === undefined ? '' : (s || String(n + 1)));
    });
    const lists = JSON.stringify([v.errors, v.sets, v.file]);
    if (lists === shownLists) return;
    shownLists = lists;
    const errs = $('errlist');
    errs.textContent = '';
    for (const e of v.errors) {
      const li = document.createElement('li');
      li.textContent = e;
      errs.appendChild(li);
    }
    $('errors').hidden = v.errors.length === 0;
    const sets = $('setlist');
    sets.textContent = '';
    for (const name of v.sets) {
      const li = document.createElement('li');
      const label = document.createElement('span');
      label.textContent = name;
      const b = document.createElement('button');
      b.textContent = name === v.file ? 'playing' : 'switch';
      b.disabled = name === v.file;
      b.dataset.set = name;
      li.className = name === v.file ? 'current' : '';
      li.append(label, b);
      sets.appendChild(li);
    }
    if (!v.sets.length) text($('setmsg'), 'no sets in the folder');
  }
  $('setlist').addEventListener('click', (ev) => {
    const b = ev.target.closest('button');
    if (!b || b.disabled) return;
    text($('setmsg'), 'switching to ' + b.dataset.set + '…');
    fetch('/api/switch', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ set: b.dataset.set }),
    }).then(async (r) => {
      text($('setmsg'), r.ok ? 'loading ' + b.dataset.set : (await r.text()).trim());
    }).catch(() => text($('setmsg'), 'not sent: no connection'));
  });

  // The push channel. EventSource reconnects by itself after a dropped
  // stream; the server then sends a whole snapshot first.
  let es = null, backoff = 500;
  function showConn() {
    const c = $('conn');
    text(c, G.connected ? 'live' : 'disconnected');
    c.className = G.connected ? 'ok' : 'bad';
  }
  function on(name, f) {
    es.addEventListener(name, (e) => {
      try { f(JSON.parse(e.data)); } catch (err) { console.error(name, err); }
    });
  }
  function connect() {
    es = new EventSource('/api/events?c=' + pageId);
    on('view', view);
    on('status', status);
    on('lights', lights);
    es.onopen = () => { backoff = 500; };
    es.onerror = () => {
      G.connected = false;
      showConn();
      if (es.readyState !== EventSource.CLOSED) return;
      // Refused (401 after the cookie went, 503 when full): ask why, try again.
      es.close();
      fetch('/api/sets').then((r) => { if (r.status === 401) location.reload(); }).catch(() => {});
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 10000);
    };
  }
  connect();

  // Presses: one POST in flight at a time; what happens meanwhile goes in
  // the next, so a release never overtakes its press. A batch that fails
  // on the way (no answer, or 5xx) is sent again first, a few times.
  const queue = [];
  let inflight = false, tries = 0, leaving = false;
  function send(x, y, down) {
    queue.push([x, y, down, down ? 100 : 0]);
    pump();
  }
  function pump() {
    if (inflight || leaving || !queue.length) return;
    inflight = true;
    const t = Date.now();
    const batch = queue.splice(0, 64);
    const retry = () => {
      if (++tries > 3) { tries = 0; return false; }
      queue.unshift(...batch);
      return true;
    };
    fetch('/api/press', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ c: pageId, e: batch, t }),
    }).then((r) => {
      if (r.ok) record(G.pressLatency, Date.now() - t);
      if (r.status >= 500 && retry()) return 100 * tries;
      tries = 0;
      return 0;
    }, () => retry() ? 100 * tries : 0).then((wait) => {
      setTimeout(() => { inflight = false; pump(); }, wait);
    });
  }

  // Pointer Events: mouse, pen and every finger; each pointer holds the
  // button it went down on (captured) until it is lifted or cancelled.
  const byPointer = new Map(); // pointerId → "x,y"
  const holders = new Map(); // "x,y" → pointers holding it
  function release(id) {
    const key = byPointer.get(id);
    if (key === undefined) return;
    byPointer.delete(id);
    const n = holders.get(key) - 1;
    if (n > 0) { holders.set(key, n); return; }
    holders.delete(key);
    const el = pads.get(key);
    el.classList.remove('held');
    send(+el.dataset.x, +el.dataset.y, false);
  }
  grid.addEventListener('pointerdown', (ev) => {
    const el = ev.target.closest('.pad');
    if (!el || (ev.pointerType === 'mouse' && ev.button !== 0) || byPointer.has(ev.pointerId)) return;
    ev.preventDefault();
    try { el.setPointerCapture(ev.pointerId); } catch (_) { /* pointer gone already */ }
    const key = el.dataset.x + ',' + el.dataset.y;
    byPointer.set(ev.pointerId, key);
    const n = holders.get(key) || 0;
    holders.set(key, n + 1);
    if (n === 0) {
      el.classList.add('held');
      send(+el.dataset.x, +el.dataset.y, true);
    }
  });
  for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) {
    grid.addEventListener(type, (ev) => release(ev.pointerId));
  }
  function releaseAll() {
    for (const p of [...byPointer.keys()]) release(p);
  }
  grid.addEventListener('contextmenu', (ev) => ev.preventDefault());
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) releaseAll();
  });
  // A page closed with a button held lets it go on its way out (keepalive
  // outlives the page), but only when no POST is in flight, which it could
  // overtake: then the end of the page's events stream releases it. The
  // stream is closed here, as a page kept in the back-forward cache would
  // keep it open; it opens again when the page is shown again.
  window.addEventListener('pagehide', () => {
    leaving = true;
    es.close();
    releaseAll();
    if (inflight || !queue.length) return;
    inflight = true;
    fetch('/api/press', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ c: pageId, e: queue.splice(0, 64), t: Date.now() }),
      keepalive: true,
    }).catch(() => {}).finally(() => { inflight = false; });
  });
  window.addEventListener('pageshow', (ev) => {
    leaving = false;
    if (ev.persisted) connect();
    pump();
  });
})();
