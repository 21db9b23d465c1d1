// What the page knows, shared by every module: the state object, the two things a module deeper
// down asks of the page as a whole (draw everything again; the token died), and the one way
// elements are found and made, their words always set as text, never as markup.
//
// Those two live in main.js, which imports every other module. They are reached through `page`,
// which main.js fills in at start-up, so that no module imports one that imports it.

import { STORED, load, loadOutbox } from "/page/storage.js";

export const $ = (id) => document.getElementById(id);

/** A new element with its class and, if given, its text. */
export function element(tag, className, text) {
  const made = document.createElement(tag);
  made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

/** A button that only does `onClick` (it submits no form). */
export function button(className, text, onClick) {
  const made = element("button", className, text);
  made.type = "button";
  made.addEventListener("click", onClick);
  return made;
}

export const app = {
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

export const page = {
  /** Draw the whole page from `app`. */
  render: () => {},
  /** The token died (the room closed, or opened again with a new code): back to the code screen. */
  lost: (_message) => {},
};
