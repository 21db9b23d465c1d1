// Ideas: the form a participant writes in, the outbox that sends what it holds until the room has
// saved it, and "My ideas", the list of what this phone sent and where each one stands.
//
// An idea goes into the outbox (in storage) the moment it is sent and leaves it only when the
// server says it is saved, so a dropped Wi-Fi or a reload loses nothing; its key stays the same on
// every retry, so the wall never counts it twice. Ideas are people's words: shown as text only.

import { Backoff, call, pause, retryable } from "/page/net.js";
import { $, app, button, element } from "/page/state.js";
import { STORED, forget, keep, randomKey, saveOutbox } from "/page/storage.js";

export const IDEA_CHARS = 500;
const REFUSED = new Set([400, 403, 409, 413]);
const STATE_WORDS = { "on-wall": "on the wall", hidden: "not on the wall", sending: "sending…" };

export function countChars() {
  const used = $("idea").value.length;
  const count = $("idea-count");
  count.textContent = `${used} of ${IDEA_CHARS}`;
  count.classList.toggle("-full", used >= IDEA_CHARS - 20);
}

export function sendIdea() {
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
  saveOutbox(app.outbox);
  box.value = "";
  forget(STORED.draft);
  countChars();
  $("idea-status").textContent = "Sending…";
  renderIdeas();
  flushOutbox();
  box.focus();
}

/** Send what the outbox holds, oldest first, until each has its answer. */
export async function flushOutbox() {
  if (app.flushing) return;
  app.flushing = true;
  const backoff = new Backoff();
  try {
    while (app.token) {
      const next = app.outbox.find((entry) => !entry.error);
      if (!next) break;
      try {
        const idea = await call("POST", "/api/ideas", { text: next.text, name: next.name, key: next.key });
        if (idea && typeof idea.key === "string") app.acked.set(idea.key, idea);
        app.outbox = app.outbox.filter((entry) => entry.key !== next.key);
        saveOutbox(app.outbox);
        backoff.reset();
        $("idea-status").textContent = "Sent.";
        refreshIdeas();
      } catch (error) {
        if (error.status === 401) break; // the outbox waits for the next join
        if (REFUSED.has(error.status) || !retryable(error)) {
          next.error = error.message;
          saveOutbox(app.outbox);
          $("idea-status").textContent = "The room did not take an idea: see below.";
        } else {
          $("idea-status").textContent = "Not sent yet: this phone keeps trying.";
          renderIdeas();
          await pause(backoff.next(error), error.status === 0);
        }
      }
      renderIdeas();
    }
  } finally {
    app.flushing = false;
  }
}

/** Ask the room for this phone's ideas; a call while one is on its way makes one more after it. */
export async function refreshIdeas() {
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

export function renderIdeas() {
  const ideas = myIdeas();
  const list = $("idea-list");
  $("my-ideas").hidden = ideas.length === 0;
  list.replaceChildren(
    ...ideas.map((idea) => {
      const item = element("li", `idea -${idea.state}`);
      if (idea.key) item.dataset.key = idea.key;
      item.append(element("p", "idea-text", idea.text), element("p", "idea-state", idea.error || STATE_WORDS[idea.state]));
      if (idea.state === "refused") {
        const remove = button("quiet", "Remove", () => {
          app.outbox = app.outbox.filter((entry) => entry.key !== idea.key);
          saveOutbox(app.outbox);
          renderIdeas();
        });
        remove.setAttribute("aria-label", `Remove the idea that was not taken: ${idea.text.slice(0, 60)}`);
        item.append(remove);
      }
      return item;
    }),
  );
}
