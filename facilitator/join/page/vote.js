// Dots: the ideas this phone may place dots on, a − and + for each, and sending the counts.
//
// A tap counts at once on the page and is sent behind it, one request at a time. What is sent is
// each changed target's new count, not a step, so a retry never places a dot twice; rows are kept
// between draws, so a tapped button keeps its focus.

import { Backoff, call, pause, retryable } from "/page/net.js";
import { $, app, button, element, page } from "/page/state.js";

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

const rows = new Map(); // target id -> its row

function targetRow(target) {
  let row = rows.get(target.id);
  if (row) return row;
  const item = element("li", "target");
  const label = element("p", "target-label");
  const controls = element("div", "controls");
  const less = button("less", "−", () => changeDots(target.id, -1));
  const count = element("output", "mine");
  const more = button("more", "+", () => changeDots(target.id, +1));
  controls.append(less, count, more);
  item.append(label, controls);
  row = { item, label, less, count, more };
  rows.set(target.id, row);
  return row;
}

export function renderVote() {
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

/** Send the changed targets' new counts, one request at a time. */
async function sendDots() {
  const vote = app.vote;
  if (vote.sending) return;
  vote.sending = true;
  renderVote();
  const backoff = new Backoff();
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
        backoff.reset();
      } catch (error) {
        if (error.status === 401) break;
        if (retryable(error)) {
          for (const id of Object.keys(batch)) vote.dirty.add(id);
          await pause(backoff.next(error), error.status === 0);
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
    page.render();
  }
}
