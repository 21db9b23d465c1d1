// Following the session: the room's state as server-sent events, for as long as this join lasts.
//
// EventSource cannot send the token, so the stream is read with fetch() and parsed here. A stream
// that breaks or falls silent is opened again after a growing wait, and the state is asked for at
// once on each reconnect, so the page is right even before the stream is.

import { refreshIdeas } from "/page/ideas.js";
import { Backoff, RoomError, call, pause, sentence } from "/page/net.js";
import { $, app, page } from "/page/state.js";

const SILENT_STREAM_MS = 45000; // the server says "still here" every 15 s

/** Keep an event stream open while this join lasts: reconnect after 1, 2, 4 … 10 s. */
export async function follow(generation) {
  const backoff = new Backoff();
  let first = true;
  while (generation === app.generation && app.token) {
    if (!first) {
      showConnection(false);
      await pause(backoff.next());
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
      if (await stream(generation)) backoff.reset();
    } catch (error) {
      if (error.status === 401) return;
    }
  }
}

/** Read /api/events until it ends, breaks or falls silent; true if a state came. */
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
      if (generation === app.generation) page.lost(typeof data.message === "string" ? sentence(data.message) : "Join the room again.");
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
  page.render();
  if (app.serverIdeas.length || app.acked.size) refreshIdeas(); // the facilitator may have hidden one
}
