// Glass playground page: one session per tab, one step in flight at a time, held keys play at a steady rate.
'use strict';

const KEYS = {
  ArrowRight: 'right', KeyD: 'right', ArrowLeft: 'left', KeyA: 'left',
  ArrowUp: 'up', KeyW: 'up', ArrowDown: 'down', KeyS: 'down', Space: 'stay',
};
// Integer (nearest-neighbour) scale that makes the frame about 512 px wide.
const DISPLAY_WIDTH = 512;
const MAX_THUMBS = 48;

const el = id => document.getElementById(id);
const screen = el('screen');
const ctx = screen.getContext('2d');
// Native-resolution copies of the last frame and mask: what the tests read back.
const frameCanvas = document.createElement('canvas');
const maskCanvas = document.createElement('canvas');

const state = {
  info: null, session: null, step: 0, local: 0,
  frame: null, mask: null, showMask: false,
  busy: false, pending: null, lastStart: 0,
  held: [], pad: null, latencies: [], errors: 0,
};

// Test and debugging hook: everything a browser test needs to look at.
window.glass = {
  state,
  frameBytes: () => Array.from(frameCanvas.getContext('2d').getImageData(0, 0, frameCanvas.width, frameCanvas.height).data),
  maskBytes: () => Array.from(maskCanvas.getContext('2d').getImageData(0, 0, maskCanvas.width, maskCanvas.height).data.filter((_, i) => i % 4 === 3)),
  idle: () => !state.busy && state.pending === null && state.held.length === 0 && state.pad === null,
};

function say(text) { el('message').textContent = text || ''; }

async function api(method, path, body, contentType) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = contentType ? body : JSON.stringify(body);
    init.headers['Content-Type'] = contentType || 'application/json';
  }
  const response = await fetch(path, init);
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(json.error || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return json;
}

async function decode(base64) {
  if (!base64) return null;
  const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
  return createImageBitmap(new Blob([bytes], { type: 'image/png' }));
}

async function show(result, t0) {
  const [frame, mask] = await Promise.all([decode(result.frame), decode(result.mask)]);
  state.frame = frame; state.mask = mask; state.step = result.step; state.local = result.local;
  frameCanvas.getContext('2d').drawImage(frame, 0, 0);
  const m = maskCanvas.getContext('2d');
  m.clearRect(0, 0, maskCanvas.width, maskCanvas.height);
  if (mask) m.drawImage(mask, 0, 0);
  draw();
  el('step').textContent = `step ${result.step}`;
  markLocal();
  if (t0 !== undefined) {
    const ms = performance.now() - t0;
    state.latencies.push({ total: ms, server: result.timing.serverMs, model: result.timing.modelMs, queued: result.timing.queuedMs });
    if (state.latencies.length > 500) state.latencies.shift();
    el('latency').textContent = `key→frame ${ms.toFixed(0)} ms (server ${result.timing.serverMs.toFixed(0)} ms, model ${result.timing.modelMs.toFixed(0)} ms)`;
  }
}

function draw() {
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, screen.width, screen.height);
  if (state.frame) ctx.drawImage(state.frame, 0, 0, screen.width, screen.height);
  if (state.showMask && state.mask) {
    ctx.globalAlpha = 0.6;
    ctx.drawImage(state.mask, 0, 0, screen.width, screen.height);
    ctx.globalAlpha = 1;
  }
}

// ---- stepping -------------------------------------------------------------

function currentMove() {
  if (state.pad) return { dx: state.pad.dx, dy: state.pad.dy };
  const key = state.held[state.held.length - 1];
  return { action: key ? KEYS[key] : 'stay' };
}

// Sends one step now, or remembers it (the latest wins) while another is in flight.
function requestStep(move, t0 = performance.now()) {
  if (!state.session) return;
  if (state.busy) { state.pending = { move, t0 }; return; }
  runStep(move, t0);
}

async function runStep(move, t0) {
  state.busy = true;
  state.lastStart = performance.now();
  try {
    const result = await api('POST', `/api/sessions/${state.session}/step`, { ...move, local: state.local });
    await show(result, t0);
    say('');
  } catch (e) {
    if (e.status === 429 || e.status === 503) {
      // Busy (a new start image being set up) or too fast: try this step again shortly, unless a newer one is waiting.
      if (!state.pending) state.pending = { move, t0 };
      await new Promise(resolve => setTimeout(resolve, 50));
    } else {
      state.errors++;
      if (e.status === 404) { say('session expired: started a new one'); await newSession(); }
      else say(e.message);
    }
  } finally {
    state.busy = false;
  }
  if (state.pending) {
    const next = state.pending;
    state.pending = null;
    runStep(next.move, next.t0);
  }
}

// Held keys and a pressed pad replay at a steady rate; key auto-repeat is ignored.
function tick() {
  const interval = 1000 / (state.info?.fps || 12);
  if ((state.held.length > 0 || state.pad) && !state.busy && performance.now() - state.lastStart >= interval - 2)
    requestStep(currentMove());
}

function chooseLocal(k) {
  if (!state.info || k >= state.info.localActions) return;
  state.local = k;
  markLocal();
}

function markLocal() {
  document.querySelectorAll('#locals button').forEach((b, i) => b.classList.toggle('active', i === state.local));
}

// ---- sessions and start images ---------------------------------------------

async function newSession(body) {
  const result = await api('POST', '/api/sessions', body);
  state.session = result.session;
  el('gif').href = `/api/sessions/${state.session}/video.gif`;
  el('mp4').href = `/api/sessions/${state.session}/video.mp4`;
  await show(result);
  loadPreviews();
}

async function changeStart(path, body, contentType) {
  try {
    const result = await api('POST', `/api/sessions/${state.session}/${path}`, body, contentType);
    await show(result);
    say('');
    loadPreviews();
  } catch (e) {
    if (e.status === 404) await newSession();
    say(e.message);
  }
}

async function reset() {
  try { await show(await api('POST', `/api/sessions/${state.session}/reset`)); }
  catch (e) { say(e.message); }
}

async function loadPreviews() {
  try {
    const p = await api('GET', `/api/sessions/${state.session}/previews`);
    document.querySelectorAll('#locals .preview').forEach((div, k) => {
      div.style.backgroundImage = `url(data:image/png;base64,${p.previews[k]})`;
      div.style.backgroundSize = `${p.frames * 100}% 100%`;
      div.style.animationDuration = `${p.frames / (state.info.fps || 12) * 2}s`;
      div.style.animationTimingFunction = `steps(${p.frames}, jump-none)`;
    });
  } catch (e) { say(`previews: ${e.message}`); }
}

function buildControls(info) {
  el('model').textContent = info.model;
  const scale = Math.max(1, Math.floor(DISPLAY_WIDTH / info.width));
  screen.width = info.width * scale; screen.height = info.height * scale;
  for (const c of [frameCanvas, maskCanvas]) { c.width = info.width; c.height = info.height; }
  const names = new Set(info.globalActions.map(a => a.name));
  document.querySelectorAll('#arrows button').forEach(b => {
    if (!names.has(b.dataset.action)) { b.disabled = true; return; }
    b.addEventListener('click', () => requestStep({ action: b.dataset.action }));
  });
  const locals = el('locals');
  for (let k = 0; k < info.localActions; k++) {
    const b = document.createElement('button');
    b.title = `local action ${k + 1}` + (k < 9 ? ` (key ${k + 1})` : '');
    b.innerHTML = `<div class="preview"></div><span>${k + 1}</span>`;
    b.addEventListener('click', () => { chooseLocal(k); requestStep({ action: 'stay' }); });
    locals.appendChild(b);
  }
  const sources = el('sources');
  for (const s of info.sources) {
    const div = document.createElement('div');
    div.className = 'source';
    const shown = Math.min(s.items.length, MAX_THUMBS);
    div.innerHTML = `<h3>${s.title}${shown < s.items.length ? ` (first ${shown} of ${s.items.length})` : ''}</h3><div class="thumbs"></div>`;
    const thumbs = div.querySelector('.thumbs');
    for (let i = 0; i < shown; i++) {
      const b = document.createElement('button');
      b.title = s.items[i];
      b.dataset.source = s.key; b.dataset.index = i;
      b.innerHTML = `<img alt="${s.items[i]}" src="/api/starts/${s.key}/${i}">`;
      b.addEventListener('click', async () => {
        await changeStart('start', { source: s.key, index: i });
        document.querySelectorAll('.thumbs button').forEach(t => t.classList.toggle('active', t === b));
      });
      thumbs.appendChild(b);
    }
    sources.appendChild(div);
  }
}

// ---- input ----------------------------------------------------------------

document.addEventListener('keydown', e => {
  if (e.target instanceof HTMLInputElement) return;
  if (KEYS[e.code]) {
    e.preventDefault();
    if (e.repeat) return;
    state.held = state.held.filter(k => k !== e.code).concat(e.code);
    requestStep(currentMove(), performance.now());
  } else if (/^Digit[1-9]$/.test(e.code)) {
    chooseLocal(Number(e.code.slice(5)) - 1);
    if (!e.repeat) requestStep(currentMove(), performance.now());
  } else if (e.code === 'KeyR' && !e.repeat) reset();
  else if (e.code === 'KeyM' && !e.repeat) { el('mask-toggle').checked = !el('mask-toggle').checked; toggleMask(); }
});
document.addEventListener('keyup', e => { state.held = state.held.filter(k => k !== e.code); });
window.addEventListener('blur', () => { state.held = []; state.pad = null; });

function toggleMask() { state.showMask = el('mask-toggle').checked; draw(); }
el('mask-toggle').addEventListener('change', toggleMask);
el('reset').addEventListener('click', reset);
el('upload').addEventListener('change', e => {
  const file = e.target.files[0];
  if (!file) return;
  if (file.size > state.info.maxUploadBytes) { say(`${file.name} is larger than ${(state.info.maxUploadBytes / 1048576).toFixed(0)} MiB`); return; }
  changeStart('upload', file, file.type || 'application/octet-stream');
  e.target.value = '';
});

const pad = el('pad');
function padMove(e) {
  const r = pad.getBoundingClientRect();
  const fx = Math.max(-1, Math.min(1, ((e.clientX - r.left) / r.width) * 2 - 1));
  const fy = Math.max(-1, Math.min(1, ((e.clientY - r.top) / r.height) * 2 - 1));
  el('pad-dot').style.left = `${(fx + 1) * 50}%`; el('pad-dot').style.top = `${(fy + 1) * 50}%`;
  const range = padRange();
  state.pad = { dx: fx * range, dy: fy * range };
}
function padRange() {
  // Twice the largest named step, within what the server accepts.
  const named = Math.max(...state.info.globalActions.map(a => Math.max(Math.abs(a.dx), Math.abs(a.dy))), 0.05);
  return Math.min(2 * named, state.info.maxShift);
}
pad.addEventListener('pointerdown', e => { pad.setPointerCapture(e.pointerId); padMove(e); requestStep(currentMove(), performance.now()); });
pad.addEventListener('pointermove', e => { if (state.pad) padMove(e); });
const padUp = () => { state.pad = null; el('pad-dot').style.left = '50%'; el('pad-dot').style.top = '50%'; };
pad.addEventListener('pointerup', padUp);
pad.addEventListener('pointercancel', padUp);

window.addEventListener('pagehide', () => { if (state.session) navigator.sendBeacon(`/api/sessions/${state.session}/close`); });

(async () => {
  try {
    state.info = await api('GET', '/api/info');
    buildControls(state.info);
    await newSession();
    setInterval(tick, 5);
    screen.focus();
    document.body.dataset.ready = 'true';
  } catch (e) {
    say(`cannot start: ${e.message}`);
  }
})();
