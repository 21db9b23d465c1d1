// What this phone keeps between visits: its own id, its token, the name and draft it typed, and
// the outbox of ideas not yet saved by the room.
//
// localStorage where the browser allows it, and memory where it refuses (some private modes), so
// the page works either way; it only forgets sooner. Nothing here touches the page itself.

export const STORED = {
  client: "facilitator.client",
  token: "facilitator.token",
  name: "facilitator.name",
  draft: "facilitator.draft",
  outbox: "facilitator.outbox",
};

const memory = new Map();

export function load(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return memory.has(key) ? memory.get(key) : null;
  }
}

export function keep(key, value) {
  memory.set(key, value);
  try {
    localStorage.setItem(key, value);
  } catch {
    // memory keeps it for this page's life
  }
}

export function forget(key) {
  memory.delete(key);
  try {
    localStorage.removeItem(key);
  } catch {
    // nothing stored
  }
}

/** A random url-safe id: 16 bytes make 22 characters. */
export function randomKey(bytes = 16) {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** This phone's own id, kept so that joining again makes it the same device on the wall. */
export function clientId() {
  let id = load(STORED.client);
  if (!id || !/^[A-Za-z0-9_-]{22,64}$/.test(id)) {
    id = randomKey(16);
    keep(STORED.client, id);
  }
  return id;
}

/** The outbox as stored, each entry checked: what another version of the page left is dropped. */
export function loadOutbox() {
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

export function saveOutbox(outbox) {
  keep(STORED.outbox, JSON.stringify(outbox));
}
