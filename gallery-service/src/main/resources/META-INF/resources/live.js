// The live page: identity matches as they arrive (server-sent events from this gallery-service), the gallery,
// the embedder's models and the trainer's latest run. Plain browser JavaScript, no build step, nothing fetched from
// elsewhere. Every text from the services goes into the page through textContent, never as HTML.
'use strict';

const MAX_ROWS = 100;
const REFRESH_MS = 5000;
const FETCH_TIMEOUT_MS = 4000;
const MAX_CHART_POINTS = 2000;

const $ = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

function setPill(id, state, text) {
  const pill = $(id);
  pill.dataset.state = state;
  pill.textContent = text;
}

function setNotice(id, text, kind) {
  const notice = $(id);
  notice.textContent = text || '';
  notice.dataset.kind = kind || '';
}

/** A service that did not answer at all (down, wrong URL, or refused by CORS: the browser cannot tell which). */
class Unreachable extends Error {
}

async function getJson(url) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, {signal: abort.signal, cache: 'no-store', headers: {Accept: 'application/json'}});
  } catch (e) {
    throw new Unreachable(e.name === 'AbortError'
      ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s`
      : 'no connection (not running, wrong address, or its CORS settings do not allow this page)');
  } finally {
    clearTimeout(timer);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    // not JSON: the status says enough
  }
  return {status: response.status, ok: response.ok, body};
}

function problem(answer) {
  const message = answer.body && (answer.body.message || answer.body.error);
  return `HTTP ${answer.status}${message ? ': ' + message : ''}`;
}

function fmt(x, digits) {
  return typeof x === 'number' && isFinite(x) ? x.toFixed(digits) : '–';
}

function clock(ms) {
  return ms > 0 ? new Date(ms).toLocaleTimeString([], {hour12: false}) : '–';
}

function duration(seconds) {
  if (!(seconds >= 0)) {
    return '–';
  }
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}

function bytes(n) {
  if (!(n > 0)) {
    return '–';
  }
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

// A colour per name, the same on every visit.
function hue(name) {
  let h = 0;
  for (const c of name) {
    h = (h * 31 + c.codePointAt(0)) % 360;
  }
  return h;
}

function initials(name) {
  const parts = name.split(/[\s._-]+/).filter((part) => /^\p{L}/u.test(part));
  return ((parts[0] || '?')[0] + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

function toneOf(state) {
  return {
    READY: 'ok', SUCCEEDED: 'ok', RUNNING: 'busy', PENDING: 'busy', BUILDING_GALLERY: 'busy', QUEUED: 'busy',
    FAILED: 'bad', CANCELLED: 'bad'
  }[state] || '';
}

function badge(state) {
  const node = el('span', {className: 'badge', textContent: String(state || '?').replace('_', ' ')});
  node.dataset.tone = toneOf(state);
  return node;
}

/* ---------------------------------------------------------------- identity matches */

const seenMatches = new Set();
let matchCount = 0;

function connectMatches() {
  const source = new EventSource('live/identities');
  source.onopen = () => {
    setPill('pill-feed', 'ok', 'matches: live');
    if (matchCount === 0) {
      setNotice('matches-notice', 'Connected. Matches appear here as faces.identities receives them.');
    }
  };
  source.onerror = () => {
    // EventSource reconnects by itself (after a restart, or after being dropped for reading too slowly)
    setPill('pill-feed', 'down', 'matches: reconnecting');
    setNotice('matches-notice', 'The match feed from gallery-service is interrupted; reconnecting…', 'warn');
  };
  source.addEventListener('identity', (event) => {
    addMatch(JSON.parse(event.data));
    if ($('matches-notice').dataset.kind === 'warn') {
      setNotice('matches-notice', '');
    }
  });
}

function addMatch(live) {
  const m = live.match;
  const key = `${m.frameId}#${m.faceIndex}#${m.modelVersion}`;
  if (seenMatches.has(key)) {
    return; // replayed after a reconnect
  }
  seenMatches.add(key);
  matchCount++;
  $('match-count').textContent = `${matchCount} this session`;
  setNotice('matches-notice', '');

  const known = m.identity !== 'unknown';
  const row = el('tr', {className: 'match fresh'});
  row.dataset.frameId = m.frameId;
  row.dataset.key = key;

  const image = el('img', {className: 'thumb', alt: `face ${m.faceIndex} of frame ${m.frameId}`, src: live.thumbnail});
  image.onerror = () => image.replaceWith(el('div', {className: 'thumb missing', textContent: 'no image'}));

  const who = el('td', {},
    el('span', {className: known ? 'identity' : 'identity unknown', textContent: m.identity}),
    el('span', {className: 'sub', textContent: known
        ? `${m.sourceId || 'unknown source'} · face ${m.faceIndex}`
        : (m.bestCandidate ? `closest: ${m.bestCandidate}` : 'empty gallery')}));

  const meter = el('div', {className: 'meter'});
  const fill = el('div', {className: known ? 'fill' : 'fill below'});
  fill.style.width = `${Math.max(0, Math.min(1, m.score)) * 100}%`;
  const mark = el('div', {className: 'mark', title: `threshold ${fmt(m.threshold, 3)}`});
  mark.style.left = `${Math.max(0, Math.min(1, m.threshold)) * 100}%`;
  meter.append(fill, mark);
  const score = el('td', {},
    el('span', {className: 'score', textContent: fmt(m.score, 3)}),
    el('span', {className: 'sub', textContent: `threshold ${fmt(m.threshold, 3)}`}),
    meter);

  const runnerUp = m.runnerUp
    ? el('td', {}, el('span', {textContent: m.runnerUp}),
      el('span', {className: 'sub', textContent: `${fmt(m.runnerUpScore, 3)} · margin ${fmt(m.margin, 3)}`}))
    : el('td', {}, el('span', {className: 'sub', textContent: '–'}));

  const model = el('td', {}, el('span', {className: 'version mono', textContent: m.modelVersion, title: m.modelVersion}));
  const latency = m.capturedAtMs > 0 && m.matchedAtMs >= m.capturedAtMs ? `${m.matchedAtMs - m.capturedAtMs} ms after capture` : '';
  const time = el('td', {},
    el('span', {textContent: clock(m.matchedAtMs)}),
    el('span', {className: 'sub', textContent: latency}));

  row.append(el('td', {}, image), who, score, runnerUp, model, time);
  const body = $('matches').tBodies[0];
  body.prepend(row);
  while (body.rows.length > MAX_ROWS) {
    const old = body.rows[body.rows.length - 1];
    seenMatches.delete(old.dataset.key);
    old.remove();
  }
}

/* ---------------------------------------------------------------- gallery */

async function refreshGallery() {
  let answer;
  try {
    answer = await getJson('persons');
  } catch (e) {
    setPill('pill-gallery', 'down', 'gallery: unreachable');
    setNotice('gallery-notice', `gallery-service does not answer: ${e.message}.`, 'error');
    return;
  }
  if (!answer.ok) {
    setPill('pill-gallery', 'warn', 'gallery: not ready');
    setNotice('gallery-notice', `The gallery cannot be listed yet (${problem(answer)}).`, 'warn');
    return;
  }
  setPill('pill-gallery', 'ok', 'gallery: ok');
  const people = answer.body || [];
  $('person-count').textContent = people.length === 1 ? '1 person' : `${people.length} people`;
  setNotice('gallery-notice', people.length === 0
    ? 'No one is enrolled yet: publish labelled images on faces.enrollments.' : '');
  const items = people.map((p) => {
    const avatar = el('span', {className: 'avatar', textContent: initials(p.person)});
    avatar.style.background = `hsl(${hue(p.person)} 55% 48%)`;
    const counts = Object.entries(p.imageCounts || {}).map(([version, n]) =>
      el('span', {className: 'chip', title: `model version ${version}`,
        textContent: `${n} image${n === 1 ? '' : 's'} · ${version}`}));
    const item = el('li', {},
      el('span', {className: 'name'}, avatar, el('span', {textContent: p.person})),
      el('span', {className: 'chips'}, ...counts));
    item.dataset.person = p.person;
    return item;
  });
  $('persons').replaceChildren(...items);
}

/* ---------------------------------------------------------------- models (embedder-service) */

async function refreshModels(embedderUrl) {
  let active;
  let all;
  try {
    [active, all] = await Promise.all([getJson(`${embedderUrl}/models/active`), getJson(`${embedderUrl}/models`)]);
  } catch (e) {
    setPill('pill-embedder', 'down', 'embedder: unreachable');
    setNotice('model-notice', `embedder-service at ${embedderUrl} is unreachable: ${e.message}.`, 'error');
    $('model-version').textContent = '';
    $('active-model').replaceChildren();
    $('models').tBodies[0].replaceChildren();
    $('models').hidden = true;
    return;
  }
  if (active.ok) {
    setPill('pill-embedder', 'ok', 'embedder: ok');
    setNotice('model-notice', '');
    const a = active.body;
    $('model-version').textContent = a.version;
    $('model-version').title = `${a.modelName} ${a.version}`;
    const facts = [
      ['Name', a.modelName], ['Weights', a.quantization], ['Backbone', a.backbone || '–'], ['Head', a.head || '–'],
      ['Input', (a.inputShape || []).join(' × ')], ['Embedding', `${a.embeddingSize} floats`],
      ['Size', bytes(a.sizeBytes)],
      ['Published', a.createdAtMs > 0
        ? new Date(a.createdAtMs).toLocaleString([], {dateStyle: 'medium', timeStyle: 'short'}) : '–']
    ];
    for (const [name, value] of Object.entries(a.validation || {})) {
      facts.push([name, fmt(value, 4)]);
    }
    $('active-model').replaceChildren(...facts.flatMap(([k, v]) =>
      [el('dt', {textContent: k}), el('dd', {textContent: v})]));
  } else if (active.status === 404) {
    setPill('pill-embedder', 'warn', 'embedder: no model');
    setNotice('model-notice', 'No model is READY yet: frames wait in Kafka until one is.', 'warn');
    $('model-version').textContent = '';
    $('active-model').replaceChildren();
  } else {
    setPill('pill-embedder', 'warn', 'embedder: error');
    setNotice('model-notice', `embedder-service answered ${problem(active)}.`, 'error');
    $('model-version').textContent = '';
    $('active-model').replaceChildren();
  }
  const models = all.ok && Array.isArray(all.body) ? all.body : [];
  $('models').hidden = models.length === 0;
  $('models').tBodies[0].replaceChildren(...models.slice().reverse().map((s) => {
    const state = el('td', {}, badge(s.state));
    if (s.state === 'BUILDING_GALLERY' && s.galleryExpected > 0) {
      state.append(el('span', {className: 'sub', textContent: `gallery ${s.galleryImages} of ${s.galleryExpected}`}));
    }
    if (s.reason) {
      state.append(el('span', {className: 'reason', textContent: s.reason}));
    }
    return el('tr', {}, el('td', {textContent: s.modelName}),
      el('td', {}, el('span', {className: 'version mono', textContent: s.version, title: s.version})), state);
  }));
}

/* ---------------------------------------------------------------- training (trainer-service) */

const training = {
  runId: null,
  events: null,
  points: [], // {step, loss}
  validations: [], // {step, loss}
};

async function refreshTraining(trainerUrl) {
  let answer;
  try {
    answer = await getJson(`${trainerUrl}/training-runs`);
  } catch (e) {
    setPill('pill-trainer', 'down', 'trainer: unreachable');
    setNotice('training-notice', `trainer-service at ${trainerUrl} is unreachable: ${e.message}.`, 'error');
    return;
  }
  if (!answer.ok) {
    setPill('pill-trainer', 'warn', 'trainer: error');
    setNotice('training-notice', `trainer-service answered ${problem(answer)}.`, 'error');
    return;
  }
  setPill('pill-trainer', 'ok', 'trainer: ok');
  const runs = Array.isArray(answer.body) ? answer.body : [];
  if (runs.length === 0) {
    setNotice('training-notice', 'No training runs yet: start one with POST /training-runs on trainer-service.');
    $('training').hidden = true;
    return;
  }
  setNotice('training-notice', '');
  const latest = runs[runs.length - 1];
  if (latest.id !== training.runId) {
    follow(trainerUrl, latest);
  } else if (!training.events) {
    showRun(latest); // a finished run: its state no longer streams
  }
}

function follow(trainerUrl, run) {
  if (training.events) {
    training.events.close();
    training.events = null;
  }
  training.runId = run.id;
  training.points = [];
  training.validations = [];
  if (run.progress) {
    addPoint(training.points, run.progress.step, run.progress.loss);
  }
  if (run.lastValidation) {
    addPoint(training.validations, run.lastValidation.step, run.lastValidation.loss);
  }
  showRun(run);
  if (isFinished(run.state)) {
    return;
  }
  const events = new EventSource(`${trainerUrl}/training-runs/${encodeURIComponent(run.id)}/events`);
  training.events = events;
  const onRun = (event) => {
    const updated = JSON.parse(event.data);
    showRun(updated);
    if (isFinished(updated.state)) {
      events.close(); // the server ends the stream; without this EventSource would reconnect
      if (training.events === events) {
        training.events = null;
      }
    }
  };
  events.addEventListener('state', onRun);
  events.addEventListener('started', onRun);
  events.addEventListener('checkpoint', onRun);
  events.addEventListener('progress', (event) => {
    const p = JSON.parse(event.data);
    addPoint(training.points, p.step, p.loss);
    showProgress(p);
    drawChart();
  });
  events.addEventListener('validation', (event) => {
    const v = JSON.parse(event.data);
    addPoint(training.validations, v.step, v.loss);
    drawChart();
  });
  events.onerror = () => setPill('pill-trainer', 'warn', 'trainer: events interrupted');
  events.onopen = () => setPill('pill-trainer', 'ok', 'trainer: ok');
}

function isFinished(state) {
  return state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED';
}

function addPoint(series, step, loss) {
  if (typeof step !== 'number' || typeof loss !== 'number' || !isFinite(loss)) {
    return;
  }
  const last = series[series.length - 1];
  if (last && last.step === step) {
    last.loss = loss;
    return;
  }
  if (last && step < last.step) {
    return; // an older step, e.g. repeated after a reconnect
  }
  series.push({step, loss});
  if (series.length > MAX_CHART_POINTS) {
    // keep the curve's shape over a long run: thin the older half
    const half = Math.floor(series.length / 2);
    const thinned = series.slice(0, half).filter((_, i) => i % 2 === 0);
    series.splice(0, half, ...thinned);
  }
}

function showRun(run) {
  $('training').hidden = false;
  $('run-id').textContent = run.id;
  const state = $('run-state');
  state.textContent = String(run.state).replace('_', ' ');
  state.dataset.tone = toneOf(run.state);
  $('run-model').textContent = run.modelName ? `model ${run.modelName}` : '';
  if (run.failureReason) {
    setNotice('training-notice', `Failed: ${run.failureReason}`, 'error');
  }
  showProgress(run.progress);
  drawChart();
}

function showProgress(p) {
  const facts = p
    ? [['Epoch', `${p.epoch} / ${p.epochs}`], ['Step', `${p.step} / ${p.totalSteps}`],
      ['Loss', fmt(p.loss, 4)], ['Accuracy', fmt(p.accuracy, 3)],
      ['Images/s', fmt(p.imagesPerSecond, 1)], ['ETA', duration(p.etaSeconds)]]
    : [['Step', 'not started']];
  $('run-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {textContent: k}), el('dd', {textContent: v})]));
  $('run-bar').style.width = p && p.totalSteps > 0 ? `${Math.min(100, (100 * p.step) / p.totalSteps)}%` : '0';
}

/* ---------------------------------------------------------------- loss chart, drawn by hand */

function niceStep(range, ticks) {
  const raw = range / ticks;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const residual = raw / magnitude;
  return (residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1) * magnitude;
}

function drawChart() {
  const canvas = $('loss-chart');
  const points = training.points;
  const validations = training.validations;
  canvas.dataset.points = String(points.length);
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (width === 0 || height === 0) {
    return;
  }
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const css = getComputedStyle(document.documentElement);
  const ink = css.getPropertyValue('--muted').trim();
  const line = css.getPropertyValue('--line').trim();
  const accent = css.getPropertyValue('--accent').trim();
  const val = css.getPropertyValue('--val').trim();
  g.font = '11px system-ui, "Liberation Sans", sans-serif';

  const all = points.concat(validations);
  if (all.length === 0) {
    g.fillStyle = ink;
    g.textAlign = 'center';
    g.fillText('no steps yet', width / 2, height / 2);
    return;
  }
  const left = 46;
  const right = 10;
  const top = 8;
  const bottom = 22;
  let minStep = Math.min(...all.map((p) => p.step));
  let maxStep = Math.max(...all.map((p) => p.step));
  let minLoss = Math.min(...all.map((p) => p.loss));
  let maxLoss = Math.max(...all.map((p) => p.loss));
  if (maxStep === minStep) {
    maxStep = minStep + 1;
  }
  if (maxLoss === minLoss) {
    maxLoss += 0.5;
    minLoss -= 0.5;
  }
  const yStep = niceStep(maxLoss - minLoss, 4);
  minLoss = Math.floor(minLoss / yStep) * yStep;
  maxLoss = Math.ceil(maxLoss / yStep) * yStep;
  const x = (step) => left + ((step - minStep) / (maxStep - minStep)) * (width - left - right);
  const y = (loss) => top + (1 - (loss - minLoss) / (maxLoss - minLoss)) * (height - top - bottom);

  g.strokeStyle = line;
  g.lineWidth = 1;
  g.fillStyle = ink;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  const decimals = Math.max(0, -Math.floor(Math.log10(yStep)));
  for (let v = minLoss; v <= maxLoss + yStep / 2; v += yStep) {
    const py = Math.round(y(v)) + 0.5;
    g.beginPath();
    g.moveTo(left, py);
    g.lineTo(width - right, py);
    g.stroke();
    g.fillText(v.toFixed(decimals), left - 6, py);
  }
  g.textAlign = 'center';
  g.textBaseline = 'top';
  const xStep = Math.max(1, niceStep(maxStep - minStep, 5));
  for (let s = Math.ceil(minStep / xStep) * xStep; s <= maxStep; s += xStep) {
    g.fillText(String(s), x(s), height - bottom + 6);
  }

  g.strokeStyle = accent;
  g.lineWidth = 1.6;
  g.lineJoin = 'round';
  g.beginPath();
  points.forEach((p, i) => (i === 0 ? g.moveTo(x(p.step), y(p.loss)) : g.lineTo(x(p.step), y(p.loss))));
  g.stroke();
  if (points.length === 1) {
    g.fillStyle = accent;
    g.beginPath();
    g.arc(x(points[0].step), y(points[0].loss), 2.5, 0, 2 * Math.PI);
    g.fill();
  }
  g.fillStyle = val;
  for (const p of validations) {
    g.beginPath();
    g.arc(x(p.step), y(p.loss), 3.5, 0, 2 * Math.PI);
    g.fill();
  }
}

/* ---------------------------------------------------------------- start */

function every(ms, task) {
  const run = () => task().catch((e) => console.error(e)).finally(() => setTimeout(run, ms));
  run();
}

async function start() {
  connectMatches();
  every(REFRESH_MS, refreshGallery);
  let config;
  try {
    const answer = await getJson('live/config');
    if (!answer.ok) {
      throw new Error(problem(answer));
    }
    config = answer.body;
  } catch (e) {
    const text = `Cannot read the page's settings from gallery-service (${e.message}).`;
    setNotice('model-notice', text, 'error');
    setNotice('training-notice', text, 'error');
    return;
  }
  every(REFRESH_MS, () => refreshModels(config.embedderUrl));
  every(REFRESH_MS, () => refreshTraining(config.trainerUrl));
  window.addEventListener('resize', drawChart);
}

start();
