// The participant's page: join with the code on the wall, follow the session, send ideas and dots.
// This module starts it: it wires the forms and the browser's events, joins and leaves the room,
// and draws the page from the state, handing the ideas and the dots to their own modules.
//
// Plain ES modules, no build step, nothing loaded from elsewhere (the server's policy allows only
// this origin; module paths are absolute because the page is also served at /J/<code>).
// Everything the server sends is shown with textContent: ideas and cards are people's words,
// never markup.

import { IDEA_CHARS, countChars, flushOutbox, refreshIdeas, renderIdeas, sendIdea } from "/page/ideas.js";
import { RoomError, call, wake } from "/page/net.js";
import { $, app, page } from "/page/state.js";
import { STORED, clientId, forget, keep, load } from "/page/storage.js";
import { follow } from "/page/stream.js";
import { renderVote } from "/page/vote.js";

const CODE_LENGTH = 6;

// --- joining and leaving -------------------------------------------------------------------------

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
  page.render = render;
  page.lost = lost;

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
