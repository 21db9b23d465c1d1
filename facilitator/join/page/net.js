// Talking to the room: one JSON call with the token and a timeout, the server's Retry-After, and
// waits that double between tries.
//
// A phone on a room's Wi-Fi drops out and comes back; every loop that retries waits here, and
// those waits end early when the phone is online or in view again, so nobody stares at a
// countdown after the network returns.

import { app, page } from "/page/state.js";

const FIRST_DELAY = 1000;
const MAX_DELAY = 10000;
const REQUEST_MS = 15000;

export class RoomError extends Error {
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

/** The server's messages are lines for people; on the page they start as sentences. */
export function sentence(message) {
  return message ? message.charAt(0).toUpperCase() + message.slice(1) : message;
}

/** One call to the API, as JSON; a refusal throws a RoomError with the server's message. A 401
 *  on any call but joining means the token died: the page goes back to the code screen. */
export async function call(method, path, body) {
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
    if (token === app.token) page.lost(message);
    throw new RoomError(401, message);
  }
  if (!response.ok) throw new RoomError(response.status, message, retryAfter(response));
  return data;
}

export const retryable = (error) => error.status === 0 || error.status === 429 || error.status >= 500;

const sleepers = new Set();

/** Wait `ms`; a wakeable wait ends early when the phone comes back online or into view. */
export function pause(ms, wakeable = true) {
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

/** End every wakeable wait now. */
export function wake() {
  for (const done of [...sleepers]) done();
}

/** The waits of one retrying loop: 1, 2, 4 … 10 s, back to 1 s after a success. */
export class Backoff {
  constructor() {
    this.delay = FIRST_DELAY;
  }

  reset() {
    this.delay = FIRST_DELAY;
  }

  /** The next wait: what the server asked for in its Retry-After, or else the next step. */
  next(error = null) {
    const wait = error && error.retryAfter !== null && error.retryAfter !== undefined ? error.retryAfter : this.delay;
    this.delay = Math.min(this.delay * 2, MAX_DELAY);
    return wait;
  }
}
