// The participant's page: join with the code on the wall, follow the session, send ideas and dots.
//
// Plain ES2020, no build step, nothing loaded from elsewhere (the server's policy allows only
// this origin). Everything the server sends is shown with textContent: ideas and cards are
// people's words, never markup. An idea goes into an outbox in localStorage the moment it is
// sent and leaves it only when the server says it is saved, so a dropped Wi-Fi or a reload
// loses nothing; its key stays the same on every retry, so the wall never counts it twice.
"use strict";

const STORED = {
  client: "facilitator.client",
  token: "facilitator.token",
  name: "facilitator.name",
  draft: "facilitator.draft",
  outbox: "facilitator.outbox",
};
const IDEA_CHARS = 500;
const CODE_LENGTH = 6;
const FIRST_DELAY = 1000;
const MAX_DELAY = 10000;
const REQUEST_MS = 15000;
const SILENT_STREAM_MS = 45000; // the server says "still here" every 15 s
const REFUSED = new Set([400, 403, 409, 413]);

const $ = (id) => document.getElementById(id);

// --- storage: localStorage, or memory where the browser refuses it (some private modes) ---------

const memory = new Map();

function load(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return memory.has(key) ? memory.get(key) : null;
  }
}

function keep(key, value) {
  memory.set(key, value);
  try {
    localStorage.setItem(key, value);
  } catch {
    // memory keeps it for this page's life
  }
}

function forget(key) {
  memory.delete(key);
  try {
    localStorage.removeItem(key);
  } catch {
    // nothing stored
  }
}

/** A random url-safe id: 16 bytes make 22 characters. */
function randomKey(bytes = 16) {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** This phone's own id, kept so that joining again makes it the same device on the wall. */
function clientId() {
  let id = load(STORED.client);
  if (!id || !/^[A-Za-z0-9_-]{22,64}$/.test(id)) {
    id = randomKey(16);
    keep(STORED.client, id);
  }
  return id;
}

function loadOutbox() {
  try {
    const items = JSON.parse(load(STORED.outbox) || "[]");
    if (!Array.isArray(items)) return [];
    return items.filter((e) => e && typeof e.key === "string" && typeof e.text === "string").map((e) => ({
      key: e.key,
      text: e.text,
      name: typeof e.name === "string" ? e.name : null,
      error: typeof e.error === "string" ? e.error : null,
    }));
  } catch {
    return [];
  }
}

// --- what the page knows -------------------------------------------------------------------------

const app = {
  token: load(STORED.token),
  generation: 0, // a new join or a lost token ends the loops of the one before
  stream: null, // the AbortController of the open event stream
  state: null,
  outbox: loadOutbox(),
  serverIdeas: [],
  acked: new Map(), // key -> the idea as the server answered it, until /api/ideas lists it
  flushing: false,
  ideasLoading: false,
  ideasAgain: false,
  vote: { wanted: new Map(), dirty: new Set(), sending: false },
};

function saveOutbox() {
  keep(STORED.outbox, JSON.stringify(app.outbox));
}

// --- talking to the room -------------------------------------------------------------------------

class RoomError extends Error {
  /** status 0: the room did not answer at all (Wi-Fi, timeout). */
  constructor(status, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

function retryAfter(response) {
  const value = response.headers.get("Retry-After");
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : null;
}

/** One call to the API, as JSON; a refusal throws a RoomError with the server's message. A 401
 *  on any call but joining means the token died: the page goes back to the code screen. */
async function call(method, path, body) {
  const token = app.token;
  const headers = { Accept: "application/json" };
  if (token && path !== "/api/join") headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_MS);
  let response;
  let data;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
      signal: controller.signal,
    });
    data = await response.json().catch(() => ({}));
  } catch {
    throw new RoomError(0, "The room does not answer: is this phone on the room's Wi-Fi?");
  } finally {
    clearTimeout(timer);
  }
  const message = data && typeof data.message === "string" ? sentence(data.message) : `The room answered ${response.status}.`;
  if (response.status === 401 && path !== "/api/join") {
    if (token === app.token) lost(message);
    throw new RoomError(401, message);
  }
  if (!response.ok) throw new RoomError(response.status, message, retryAfter(response));
  return data;
}

const sleepers = new Set();

/** Wait `ms`; a wakeable wait ends early when the phone comes back online or into view. */
function pause(ms, wakeable = true) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sleepers.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (wakeable) sleepers.add(done);
  });
}

function wake() {
  for (const done of [...sleepers]) done();
}

/** The server's messages are lines for people; on the page they start as sentences. */
function sentence(message) {
  return message ? message.charAt(0).toUpperCase() + message.slice(1) : message;
}

const retryable = (error) => error.status === 0 || error.status === 429 || error.status >= 500;

// --- joining -------------------------------------------------------------------------------------

function normalCode(typed) {
  return typed.toUpperCase().replace(/[\s-]/g, "");
}

async function join(typed) {
  const code = normalCode(typed);
  if (code.length !== CODE_LENGTH) {
    showJoin(`The code has ${CODE_LENGTH} letters and digits: check the wall.`);
    return;
  }
  const button = $("join");
  button.disabled = true;
  $("join-message").textContent = "Joining…";
  try {
    const answer = await call("POST", "/api/join", { code, client: clientId() });
    if (!answer || typeof answer.token !== "string") throw new RoomError(500, "The room gave no token: try again.");
    app.token = answer.token;
    keep(STORED.token, app.token);
    enterRoom();
  } catch (error) {
    showJoin(error.message);
  } finally {
    button.disabled = false;
  }
}

function showJoin(message = "") {
  $("room-screen").hidden = true;
  $("join-screen").hidden = false;
  $("join-message").textContent = message;
  document.title = "Join the session";
  $("code").focus();
}

/** The token died (the room closed, or opened again with a new code). */
function lost(message) {
  app.token = null;
  forget(STORED.token);
  app.generation += 1;
  if (app.stream) app.stream.abort();
  app.state = null;
  app.serverIdeas = [];
  app.acked.clear();
  app.vote.wanted.clear();
  app.vote.dirty.clear();
  $("code").value = "";
  showJoin(message);
}

function enterRoom() {
  app.generation += 1;
  if (app.stream) app.stream.abort();
  $("join-message").textContent = "";
  $("join-screen").hidden = true;
  $("room-screen").hidden = false;
  render();
  follow(app.generation);
  refreshIdeas();
  flushOutbox();
}

// --- following the session -----------------------------------------------------------------------

/** Keep an event stream open while this join lasts: reconnect after 1, 2, 4 … 10 s, and ask
 *  for the state at once on each reconnect so the page is right even before the stream is. */
async function follow(generation) {
  let delay = FIRST_DELAY;
  let first = true;
  while (generation === app.generation && app.token) {
    if (!first) {
      showConnection(false);
      await pause(delay);
      delay = Math.min(delay * 2, MAX_DELAY);
      if (generation !== app.generation) return;
      try {
        applyState(await call("GET", "/api/state"));
      } catch (error) {
        if (error.status === 401) return;
        continue;
      }
    }
    first = false;
    try {
      if (await stream(generation)) delay = FIRST_DELAY;
    } catch (error) {
      if (error.status === 401) return;
    }
  }
}

/** Read /api/events with fetch (EventSource cannot send the token); true if a state came. */
async function stream(generation) {
  const controller = new AbortController();
  app.stream = controller;
  let silence;
  const heard = () => {
    clearTimeout(silence);
    silence = setTimeout(() => controller.abort(), SILENT_STREAM_MS);
  };
  heard();
  let got = false;
  try {
    let response;
    try {
      response = await fetch("/api/events", {
        headers: { Authorization: `Bearer ${app.token}`, Accept: "text/event-stream" },
        cache: "no-store",
        credentials: "omit",
        signal: controller.signal,
      });
    } catch {
      return false;
    }
    if (response.status === 401) {
      const data = await response.json().catch(() => ({}));
      if (generation === app.generation) lost(typeof data.message === "string" ? sentence(data.message) : "Join the room again.");
      throw new RoomError(401, "lost");
    }
    if (!response.ok || !response.body) return false;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let event = "";
    let data = [];
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch {
        break;
      }
      if (chunk.done || generation !== app.generation) break;
      heard();
      buffer += decoder.decode(chunk.value, { stream: true });
      const cut = buffer.endsWith("\r") ? buffer.length - 1 : buffer.length; // "\r" may precede a "\n" still on its way
      const lines = buffer.slice(0, cut).split(/\r\n|\r|\n/);
      buffer = lines.pop() + buffer.slice(cut);
      for (const line of lines) {
        if (line === "") {
          if (data.length && (event === "" || event === "state")) {
            try {
              applyState(JSON.parse(data.join("\n")));
              got = true;
              showConnection(true);
            } catch {
              // a broken event: the next one brings the whole state again
            }
          }
          event = "";
          data = [];
        } else if (!line.startsWith(":")) {
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? "" : line.slice(colon + 1);
          if (value.startsWith(" ")) value = value.slice(1);
          if (field === "event") event = value;
          else if (field === "data") data.push(value);
        }
      }
    }
    reader.cancel().catch(() => {});
    return got;
  } finally {
    clearTimeout(silence);
    controller.abort();
    if (app.stream === controller) app.stream = null;
  }
}

function showConnection(connected) {
  const line = $("connection");
  line.textContent = connected ? "" : "Reconnecting…";
  line.classList.toggle("-lost", !connected);
}

function applyState(state) {
  if (!state || typeof state !== "object") return;
  app.state = state;
  render();
  if (app.serverIdeas.length || app.acked.size) refreshIdeas(); // the facilitator may have hidden one
}

// --- drawing the page ----------------------------------------------------------------------------

function render() {
  const state = app.state;
  const phase = state && state.phase;
  const card = state && state.card;
  $("title").textContent = (state && state.title) || "";
  $("phase").textContent = phase ? `Phase ${phase.number} of ${phase.of} · ${phase.label}` : "";
  document.title = state && state.title ? `${state.title} · join` : "Join the session";

  $("card").hidden = !card;
  if (card) {
    $("card-heading").textContent = card.heading || "";
    $("card-text").textContent = card.text || "";
    $("card-about").textContent = card.about || "";
    $("card-about").hidden = !card.about;
    $("card-round").textContent = card.rounds > 1 ? `Round ${card.round} of ${card.rounds}` : "";
    $("card-round").hidden = !(card.rounds > 1);
  }

  const ideasOpen = Boolean(state && state.ideas_open);
  const voting = Boolean(state && state.voting);
  let waiting = "";
  if (!state) waiting = "Connecting to the room…";
  else if (state.ended) waiting = "The session has ended. Thank you!";
  else if (state.blocked) waiting = "The facilitator has blocked this phone.";
  else if (!ideasOpen && !voting) waiting = "Waiting for the next round.";
  $("waiting").textContent = waiting;
  $("waiting").hidden = !waiting;

  $("idea-form").hidden = !ideasOpen;
  $("name-row").hidden = Boolean(state && state.anonymous);
  $("vote").hidden = !voting;
  if (voting) renderVote();
  renderIdeas();
}

// --- ideas ---------------------------------------------------------------------------------------

function countChars() {
  const used = $("idea").value.length;
  const count = $("idea-count");
  count.textContent = `${used} of ${IDEA_CHARS}`;
  count.classList.toggle("-full", used >= IDEA_CHARS - 20);
}

function sendIdea() {
  const box = $("idea");
  const text = box.value;
  if (!text.trim()) {
    $("idea-status").textContent = "Write an idea first.";
    box.focus();
    return;
  }
  const anonymous = Boolean(app.state && app.state.anonymous);
  const name = anonymous ? null : $("name").value.trim() || null;
  if (!anonymous) keep(STORED.name, $("name").value.trim());
  app.outbox.push({ key: randomKey(16), text, name, error: null });
  saveOutbox();
  box.value = "";
  forget(STORED.draft);
  countChars();
  $("idea-status").textContent = "Sending…";
  renderIdeas();
  flushOutbox();
  box.focus();
}

/** Send what the outbox holds, oldest first, until each has its answer. */
async function flushOutbox() {
  if (app.flushing) return;
  app.flushing = true;
  let delay = FIRST_DELAY;
  try {
    while (app.token) {
      const next = app.outbox.find((entry) => !entry.error);
      if (!next) break;
      try {
        const idea = await call("POST", "/api/ideas", { text: next.text, name: next.name, key: next.key });
        if (idea && typeof idea.key === "string") app.acked.set(idea.key, idea);
        app.outbox = app.outbox.filter((entry) => entry.key !== next.key);
        saveOutbox();
        delay = FIRST_DELAY;
        $("idea-status").textContent = "Sent.";
        refreshIdeas();
      } catch (error) {
        if (error.status === 401) break; // the outbox waits for the next join
        if (REFUSED.has(error.status) || !retryable(error)) {
          next.error = error.message;
          saveOutbox();
          $("idea-status").textContent = "The room did not take an idea: see below.";
        } else {
          $("idea-status").textContent = "Not sent yet: this phone keeps trying.";
          const wait = error.retryAfter !== null && error.retryAfter !== undefined ? error.retryAfter : delay;
          delay = Math.min(delay * 2, MAX_DELAY);
          renderIdeas();
          await pause(wait, error.status === 0);
        }
      }
      renderIdeas();
    }
  } finally {
    app.flushing = false;
  }
}

async function refreshIdeas() {
  if (!app.token) return;
  if (app.ideasLoading) {
    app.ideasAgain = true;
    return;
  }
  app.ideasLoading = true;
  try {
    do {
      app.ideasAgain = false;
      try {
        const answer = await call("GET", "/api/ideas");
        if (answer && Array.isArray(answer.ideas)) {
          app.serverIdeas = answer.ideas.filter((idea) => idea && typeof idea.text === "string");
          for (const idea of app.serverIdeas) app.acked.delete(idea.key);
        }
      } catch {
        // shown as it was; the next state brings another try
      }
    } while (app.ideasAgain && app.token);
  } finally {
    app.ideasLoading = false;
  }
  renderIdeas();
}

/** The ideas this phone sent, newest first: the server's list, the answers it gave since, and
 *  whatever the outbox still holds. */
function myIdeas() {
  const seen = new Set();
  const shown = [];
  const add = (key, text, state, error = null) => {
    if (key && seen.has(key)) return;
    if (key) seen.add(key);
    shown.push({ key, text, state, error });
  };
  for (const idea of app.serverIdeas) add(idea.key, idea.text, idea.on_wall ? "on-wall" : "hidden");
  for (const idea of app.acked.values()) add(idea.key, idea.text, idea.on_wall ? "on-wall" : "hidden");
  for (const entry of app.outbox) add(entry.key, entry.text, entry.error ? "refused" : "sending", entry.error);
  return shown.reverse();
}

const STATE_WORDS = { "on-wall": "on the wall", hidden: "not on the wall", sending: "sending…" };

function renderIdeas() {
  const ideas = myIdeas();
  const list = $("idea-list");
  $("my-ideas").hidden = ideas.length === 0;
  list.replaceChildren(
    ...ideas.map((idea) => {
      const item = document.createElement("li");
      item.className = `idea -${idea.state}`;
      if (idea.key) item.dataset.key = idea.key;
      const text = document.createElement("p");
      text.className = "idea-text";
      text.textContent = idea.text;
      const state = document.createElement("p");
      state.className = "idea-state";
      state.textContent = idea.error || STATE_WORDS[idea.state];
      item.append(text, state);
      if (idea.state === "refused") {
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "quiet";
        remove.textContent = "Remove";
        remove.setAttribute("aria-label", `Remove the idea that was not taken: ${idea.text.slice(0, 60)}`);
        remove.addEventListener("click", () => {
          app.outbox = app.outbox.filter((entry) => entry.key !== idea.key);
          saveOutbox();
          renderIdeas();
        });
        item.append(remove);
      }
      return item;
    }),
  );
}

// --- dots ----------------------------------------------------------------------------------------

function targets() {
  return (app.state && Array.isArray(app.state.targets) && app.state.targets) || [];
}

/** A target's dots as this phone wants them: a change not yet confirmed counts already. */
function mine(target) {
  return app.vote.wanted.has(target.id) ? app.vote.wanted.get(target.id) : Number(target.mine) || 0;
}

function budget() {
  return (app.state && app.state.dots && Number(app.state.dots.budget)) || 0;
}

function dotsLeft() {
  return budget() - targets().reduce((sum, target) => sum + mine(target), 0);
}

const rows = new Map(); // target id -> its row, kept so a tapped button keeps its focus

function targetRow(target) {
  let row = rows.get(target.id);
  if (row) return row;
  const item = document.createElement("li");
  item.className = "target";
  const label = document.createElement("p");
  label.className = "target-label";
  const controls = document.createElement("div");
  controls.className = "controls";
  const less = document.createElement("button");
  less.type = "button";
  less.className = "less";
  less.textContent = "−";
  const count = document.createElement("output");
  count.className = "mine";
  const more = document.createElement("button");
  more.type = "button";
  more.className = "more";
  more.textContent = "+";
  less.addEventListener("click", () => changeDots(target.id, -1));
  more.addEventListener("click", () => changeDots(target.id, +1));
  controls.append(less, count, more);
  item.append(label, controls);
  row = { item, label, less, count, more };
  rows.set(target.id, row);
  return row;
}

function renderVote() {
  const all = targets();
  const left = dotsLeft();
  $("dots-left").textContent = `${left} of ${budget()} ${budget() === 1 ? "dot" : "dots"} left`;
  $("vote").setAttribute("aria-busy", String(app.vote.sending));
  const list = $("targets");
  const wanted = new Set(all.map((target) => target.id));
  for (const [id, row] of rows) {
    if (!wanted.has(id)) {
      row.item.remove();
      rows.delete(id);
    }
  }
  all.forEach((target, index) => {
    const row = targetRow(target);
    const dots = mine(target);
    row.label.textContent = target.label;
    row.count.textContent = String(dots);
    row.count.setAttribute("aria-label", `${dots} of your dots on this`);
    row.less.setAttribute("aria-label", `Take a dot off: ${target.label}`);
    row.more.setAttribute("aria-label", `Add a dot: ${target.label}`);
    row.less.disabled = dots <= 0;
    row.more.disabled = left <= 0;
    row.item.classList.toggle("-dotted", dots > 0);
    if (list.children[index] !== row.item) list.insertBefore(row.item, list.children[index] || null);
  });
}

function changeDots(id, step) {
  const target = targets().find((each) => each.id === id);
  if (!target) return;
  const next = mine(target) + step;
  if (next < 0 || (step > 0 && dotsLeft() <= 0)) return;
  app.vote.wanted.set(id, next);
  app.vote.dirty.add(id);
  $("vote-message").textContent = "";
  sendDots();
  renderVote();
}

/** Send the changed targets' new counts, one request at a time; a count is idempotent, so a
 *  retry never places a dot twice. */
async function sendDots() {
  const vote = app.vote;
  if (vote.sending) return;
  vote.sending = true;
  renderVote();
  let delay = FIRST_DELAY;
  try {
    while (vote.dirty.size && app.token) {
      const batch = {};
      for (const id of vote.dirty) batch[id] = vote.wanted.get(id);
      vote.dirty.clear();
      try {
        const answer = await call("POST", "/api/votes", { dots: batch });
        const placed = (answer && answer.dots) || {};
        for (const target of targets()) {
          if (vote.dirty.has(target.id)) continue; // changed again meanwhile: that is on its way
          target.mine = Number(placed[target.id]) || 0;
          vote.wanted.delete(target.id);
        }
        if (app.state && app.state.dots && answer) app.state.dots = { budget: answer.budget, left: answer.left };
        delay = FIRST_DELAY;
      } catch (error) {
        if (error.status === 401) break;
        if (retryable(error)) {
          for (const id of Object.keys(batch)) vote.dirty.add(id);
          const wait = error.retryAfter !== null && error.retryAfter !== undefined ? error.retryAfter : delay;
          delay = Math.min(delay * 2, MAX_DELAY);
          await pause(wait, error.status === 0);
          continue;
        }
        vote.wanted.clear();
        vote.dirty.clear();
        $("vote-message").textContent = error.message;
        try {
          app.state = await call("GET", "/api/state");
        } catch {
          // the stream brings it
        }
      }
    }
  } finally {
    vote.sending = false;
    render();
  }
}

// --- wiring --------------------------------------------------------------------------------------

/** A code the link carries: `/#K7P2QX`, or `/J/K7P2QX` as the QR code on the wall holds it. */
function codeFromLink() {
  const inPath = /^\/j\/([^/]+)\/?$/i.exec(location.pathname);
  try {
    return normalCode(decodeURIComponent(location.hash.slice(1) || (inPath ? inPath[1] : "")));
  } catch {
    return "";
  }
}

function joinFromLink() {
  const code = codeFromLink();
  if (!code) return false;
  history.replaceState(null, "", "/"); // a reload does not join again with a code that may be old
  $("code").value = code;
  join(code);
  return true;
}

function start() {
  $("join-form").addEventListener("submit", (event) => {
    event.preventDefault();
    join($("code").value);
  });
  $("idea-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sendIdea();
  });
  $("idea").addEventListener("input", () => {
    countChars();
    keep(STORED.draft, $("idea").value);
  });
  $("idea").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendIdea();
    }
  });
  $("name").addEventListener("change", () => keep(STORED.name, $("name").value.trim()));
  window.addEventListener("hashchange", joinFromLink);
  window.addEventListener("online", wake);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") wake();
  });

  $("name").value = load(STORED.name) || "";
  $("idea").value = (load(STORED.draft) || "").slice(0, IDEA_CHARS);
  countChars();

  if (joinFromLink()) return;
  if (app.token) enterRoom();
  else showJoin();
}

start();
