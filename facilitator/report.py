"""Reports as one HTML file a team can mail, open offline in any browser, and print.

Everything is in the file: inline CSS, an inline SVG chart, no script and no font, image or style
from elsewhere; a Content-Security-Policy forbids any load, so even a mistake here could not make
the page call out. Every text from a person passes the text gate and then `html.escape`, so a
title like `<script>` is shown, never run.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from facilitator.check_out import MEASURE_WORDS, roti_line, roti_mean
from facilitator.progress import OTHER, Progress, SessionPoint, Share, Tally, progress, rate_text, session_day, team_label
from facilitator.summaries import ActionRow, ActionSummary, SessionSummary
from facilitator.text import clean
from facilitator.vocabulary import ActionStatus, SessionStatus

if TYPE_CHECKING:
    from facilitator.models import Action, Idea, Session

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STATUS = {ActionStatus.OPEN: "• open", ActionStatus.DONE: "✓ done", ActionStatus.DROPPED: "– dropped"}
"""A mark and a word: the status never rests on colour alone."""
NOT_AGREED = {
    SessionStatus.LIVE: "Not finished yet: these actions are not agreed.",
    SessionStatus.ARCHIVED: "Archived before it was finished: these actions were never agreed.",
}

STYLE = """
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #111; background: #fff; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.9rem; margin: 0 0 .3rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid #999; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; }
p.meta { color: #333; margin: 0 0 1rem; }
p.note { border-left: 4px solid #b7791f; padding: .3rem .8rem; background: #fdf6e3; }
p.empty { color: #444; font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid #ccc; }
td { overflow-wrap: anywhere; }
table.counts { width: auto; min-width: 50%; }
th { background: #eee; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.status, td.date { white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 2px solid #999; }
.measure { display: block; color: #333; font-size: .92em; }
ul.chains { list-style: none; padding-left: 0; }
ul.chains ul { list-style: none; padding-left: 1.2rem; margin: .2rem 0 .2rem .45rem; border-left: 2px solid #aaa; }
ul.chains li { margin: .3rem 0; }
ul.chains ul > li::before { content: "↳ "; color: #555; }
.by, .votes { color: #333; font-size: .92em; }
svg.chart { display: block; width: 100%; height: auto; margin: .5rem 0; }
svg.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #111; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2, h3 { break-after: avoid; }
  tr, li, svg.chart { break-inside: avoid; }
  th { background: none; border-bottom: 2px solid #000; }
}
"""


def _e(text: object) -> str:
    """Text from outside, literal in HTML (attribute values included)."""
    return html.escape(clean(str(text)), quote=True)


def _page(title: str, body: Iterable[str]) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="facilitator">',
            f"<title>{_e(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def _row(cells: Iterable[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<tr{attr}>{''.join(cells)}</tr>"


def _table(heads: Sequence[tuple[str, str]], rows: Iterable[str], cls: str = "") -> str:
    """`heads` as (label, class); `rows` already built with `_row`."""
    head = "".join(f'<th scope="col" class="{cls}">{_e(label)}</th>' if cls else f'<th scope="col">{_e(label)}</th>' for label, cls in heads)
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


def _num(value: object) -> str:
    return f'<td class="num">{_e(value)}</td>'


# --- one session ------------------------------------------------------------------------------


def _by_routine(actions: Iterable[Action]) -> list[tuple[str, list[Action]]]:
    """Routines alphabetically, `Other` (no routine) last, each routine's actions in their order."""
    groups: dict[str, list[Action]] = {}
    for action in actions:
        groups.setdefault(action.routine or OTHER, []).append(action)
    return sorted(groups.items(), key=lambda item: (item[0] == OTHER, item[0].casefold()))


def _action_row(action: Action) -> str:
    text = _e(action.text)
    if action.measure:
        text += f'<span class="measure">We will know by: {_e(action.measure)}</span>'
    if action.committed:
        text += '<span class="measure">Said aloud at the close</span>'
    return _row(
        [
            f"<td>{text}</td>",
            f'<td class="status">{_e(STATUS[action.status])}</td>',
            f"<td>{_e(action.owner or '—')}</td>",
            f'<td class="date">{_e(action.due or "—")}</td>',
            f"<td>{_e(action.cadence.value)}</td>",
        ]
    )


def _idea_chains(session: Session) -> Iterator[str]:
    """Each idea under the one it builds on, as nested lists; ideas on nothing known are roots.

    Walked with a stack, not recursion, so a chain of any length (or a loop in damaged data)
    cannot overflow; every idea is shown once."""
    ideas = session.ideas
    known = {idea.id for idea in ideas}
    children: dict[str, list[Idea]] = {}
    roots: list[Idea] = []
    for idea in ideas:
        parent = idea.builds_on
        if parent is not None and parent in known and parent != idea.id:
            children.setdefault(parent, []).append(idea)
        else:
            roots.append(idea)
    dots: dict[str, int] = {}
    for vote in session.votes:  # the keyboard's and every phone's dots in one count
        dots[vote.target] = dots.get(vote.target, 0) + vote.dots
    clusters = {idea_id: cluster for cluster in session.clusters for idea_id in cluster.ideas}

    def entry(idea: Idea) -> str:
        parts = [f'<li id="idea-{_e(idea.id)}"><span class="idea">{_e(idea.text)}</span>']
        if idea.author:
            parts.append(f' <span class="by">— {_e(idea.author)}</span>')
        meta = []
        if dots.get(idea.id):
            meta.append(f"{dots[idea.id]} dot{'s' if dots[idea.id] != 1 else ''}")
        cluster = clusters.get(idea.id)
        if cluster is not None:
            group = dots.get(cluster.id, 0)
            meta.append(f"in “{cluster.name}”" + (f", {group} dot{'s' if group != 1 else ''}" if group else ""))
        if meta:
            parts.append(f' <span class="votes">({_e(" · ".join(meta))})</span>')
        return "".join(parts)

    seen: set[str] = set()
    yield '<ul class="chains">'
    for root in [*roots, *ideas]:  # then whatever a loop kept from every root
        if root.id in seen:
            continue
        seen.add(root.id)
        yield entry(root)
        stack: list[tuple[Iterator[Idea], bool]] = [(iter(children.get(root.id, ())), False)]
        while stack:
            below, opened = stack[-1]
            child = next((c for c in below if c.id not in seen), None)
            if child is None:
                stack.pop()
                yield ("</ul>" if opened else "") + "</li>"
                continue
            if not opened:
                yield "<ul>"
                stack[-1] = (below, True)
            seen.add(child.id)
            yield entry(child)
            stack.append((iter(children.get(child.id, ())), False))
    yield "</ul>"


def session_report(session: Session) -> str:
    """One session: its actions under their routine (status, owner, due date), then its ideas as
    association chains, each with its author and dots."""
    facts = [session.created.astimezone().strftime("%Y-%m-%d")]
    if session.team:
        facts.append(f"team {session.team}")
    if session.facilitator:
        facts.append(f"facilitated by {session.facilitator}")
    if session.participants:
        facts.append("with " + ", ".join(session.participants))
    body = [f"<header><h1>{_e(session.title)}</h1>", f'<p class="meta">{_e(" · ".join(facts))}</p>']
    check_out = [f"return on time invested {roti_line(session.roti)}"] if session.roti else []
    check_out += [f"follow-up on {session.follow_up_on.isoformat()}"] if session.follow_up_on else []
    if check_out:
        body.append(f'<p class="meta">Check-out: {_e(" · ".join(check_out))}</p>')
    body.append("</header>")
    if session.status in NOT_AGREED:
        body.append(f'<p class="note">{_e(NOT_AGREED[session.status])}</p>')
    body.append('<section id="actions"><h2>Actions</h2>')
    if not session.actions:
        body.append('<p class="empty">No actions.</p>')
    heads = (("Action", ""), ("Status", ""), ("Owner", ""), ("Due", ""), ("Cadence", ""))
    for routine, actions in _by_routine(session.actions):
        body.append(f"<h3>{_e(routine)}</h3>")
        body.append(_table(heads, (_action_row(a) for a in actions)))
    body.append("</section>")
    body.extend(_customer_words(session))
    body.extend(_reflections(session))
    body.append('<section id="ideas"><h2>Ideas</h2>')
    if session.ideas:
        body.extend(_idea_chains(session))
    else:
        body.append('<p class="empty">No ideas.</p>')
    body.append("</section>")
    return _page(session.title, body)


def _customer_words(session: Session) -> list[str]:
    """The customers' own words the session showed, where each comes from, and the ideas it sparked."""
    shown = session.customer_words()
    if not shown:
        return []
    parts = ['<section id="customer-words"><h2>The customer\'s own words</h2>']
    for said, ideas in shown:
        parts.append(f"<blockquote><p>{_e(said.text)}</p>")
        if said.origin:
            parts.append(f'<footer class="meta">{_e(said.origin)}</footer>')
        parts.append("</blockquote>")
        if ideas:
            parts.append("<ul>" + "".join(f"<li>{_e(idea.text)}</li>" for idea in ideas) + "</ul>")
        else:
            parts.append('<p class="empty">It sparked no idea.</p>')
    parts.append("</section>")
    return parts


def _reflections(session: Session) -> list[str]:
    """What the room made of earlier actions at this follow-up: the measure, What? So what? Now what?"""
    if not session.reflections:
        return []
    parts = ['<section id="reflections"><h2>What we made of earlier actions</h2><ul>']
    for r in session.reflections:
        answers = "".join(
            f"<li>{_e(label)} {_e(answer)}</li>"
            for label, answer in (("What?", r.what), ("So what?", r.so_what), ("Now what?", r.now_what))
            if answer
        )
        parts.append(f"<li>{_e(r.text)}: {_e(MEASURE_WORDS[r.measure_met])}" + (f"<ul>{answers}</ul>" if answers else "") + "</li>")
    parts.append("</ul></section>")
    return parts


# --- a team's progress ------------------------------------------------------------------------

CHART_HEIGHT = 220
PLOT_WIDTH = 720
"""Size of the bars' area in SVG units (wider when many sessions need it); labels add room around it."""
MARGIN = (44, 40, 34, 70)
"""Left (y ticks), top (legend), right and bottom (dates) room around the bars."""
MADE_FILL = "#2b5c9e"
DONE_FILL = "#2f7d4a"


def _ticks(top: int) -> list[int]:
    """At most six whole-number ticks from 0 to at least `top`."""
    step = max(1, math.ceil(top / 5))
    return list(range(0, max(top, 1) + step, step))


def progress_svg(points: Sequence[SessionPoint]) -> str:
    """Made against done per session as an inline SVG: one pair of bars per session, oldest left.

    Made is solid, done is hatched (they differ in print and without colour), and each bar has
    its number above it."""
    count = max(len(points), 1)
    slot = max(14.0, PLOT_WIDTH / count)
    bar = min(slot * 0.36, 40.0)
    ticks = _ticks(max((p.tally.made for p in points), default=0))
    scale = CHART_HEIGHT / ticks[-1]
    left, top, right, bottom = MARGIN
    width = left + slot * count + right
    height = top + CHART_HEIGHT + bottom
    base = top + CHART_HEIGHT
    label_every = max(1, math.ceil(22 / slot))  # rotated dates need about 22 units each
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height}" '
        f'style="max-width: {width:.0f}px" role="img" aria-labelledby="chart-title">',
        '<title id="chart-title">Actions made and done per session</title>',
        "<defs>",
        '<pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">',
        f'<rect width="6" height="6" fill="#fff"/><rect width="3.2" height="6" fill="{DONE_FILL}"/>',
        "</pattern>",
        "</defs>",
    ]
    for tick in ticks:
        y = base - tick * scale
        out.append(f'<line x1="{left}" x2="{width - right:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for index, point in enumerate(points):
        x = left + index * slot + slot / 2 - bar
        made, done = point.tally.made, point.tally.done
        tip = f"{point.day} {point.title}: {made} made, {done} done"
        out.append(f'<g class="session" data-session="{_e(point.session)}"><title>{_e(tip)}</title>')
        for kind, value, offset, fill in (("made", made, 0.0, MADE_FILL), ("done", done, bar, "url(#hatch)")):
            h = value * scale
            stroke = f' stroke="{DONE_FILL}"' if kind == "done" else ""
            out.append(f'<rect class="{kind}" x="{x + offset:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{fill}"{stroke}/>')
            if slot >= 28:
                out.append(f'<text x="{x + offset + bar / 2:.1f}" y="{base - h - 4:.1f}" text-anchor="middle">{value}</text>')
        if index % label_every == 0:
            cx = x + bar
            out.append(f'<text x="{cx:.1f}" y="{base + 14}" text-anchor="end" transform="rotate(-40 {cx:.1f} {base + 14})">{_e(point.day)}</text>')
        out.append("</g>")
    out.append(f'<line x1="{left}" x2="{width - right:.1f}" y1="{base}" y2="{base}" stroke="#111" stroke-width="1.5"/>')
    out.append(f'<g class="legend"><rect x="{left}" y="6" width="14" height="14" fill="{MADE_FILL}"/>'
               f'<text x="{left + 20}" y="18">made</text>'
               f'<rect x="{left + 80}" y="6" width="14" height="14" fill="url(#hatch)" stroke="{DONE_FILL}"/>'
               f'<text x="{left + 100}" y="18">done</text></g>')
    out.append("</svg>")
    return "\n".join(out)


def _tally_cells(tally: Tally) -> list[str]:
    return [_num(tally.made), _num(tally.done), _num(tally.dropped), _num(tally.open), _num(rate_text(tally))]


COUNT_HEADS = (("Made", "num"), ("Done", "num"), ("Dropped", "num"), ("Open", "num"), ("Done %", "num"))


def _share_table(first: str, shares: Sequence[Share]) -> str:
    if not shares:
        return '<p class="empty">No actions.</p>'
    rows = (_row([f"<td>{_e(share.name)}</td>", *_tally_cells(share.tally)]) for share in shares)
    return _table(((first, ""), *COUNT_HEADS), rows, "counts")


def _sessions_table(found: Progress) -> str:
    """One row per session, oldest first, and the total; a Team column when every team is shown,
    and the room's return on time invested when any session asked for it."""
    teams = found.team is None
    asked = [score for p in found.sessions for score in p.roti]
    rows = [
        _row([
            f'<td class="date">{_e(p.day)}</td>', f"<td>{_e(p.title)}</td>", *([f"<td>{_e(p.team or '—')}</td>"] if teams else []),
            *_tally_cells(p.tally), *([_roti_cell(p.roti)] if asked else []),
        ])
        for p in found.sessions
    ]
    rows.append(_row([f'<td colspan="{3 if teams else 2}">Total</td>', *_tally_cells(found.total), *([_roti_cell(asked)] if asked else [])], "total"))
    heads = (("Date", ""), ("Session", ""), *([("Team", "")] if teams else []), *COUNT_HEADS, *([("Return on time", "num")] if asked else []))
    return _table(heads, rows)


def _roti_cell(scores: Sequence[int]) -> str:
    """The mean of 5, with how many people gave it in a tooltip; a dash when not asked."""
    if not scores:
        return '<td class="num">—</td>'
    return f'<td class="num" title="{_e(roti_line(scores))}">{_e(roti_mean(scores))}</td>'


def _open_actions(found: Progress, summaries: Iterable[SessionSummary], rows: Iterable[ActionRow | ActionSummary], today: date | None) -> str:
    """The counted sessions' open actions, soonest due first, undated last."""
    counted = {p.session for p in found.sessions}
    by_id = {s.id: s for s in summaries if s.id in counted}
    actions = (r.action if isinstance(r, ActionRow) else r for r in rows)
    waiting = [a for a in actions if a.status is ActionStatus.OPEN and a.session in by_id]
    if not waiting:
        return '<p class="empty">No open actions.</p>'
    waiting.sort(key=lambda a: (a.due is None, a.due or date.max, a.created))
    lines = []
    for action in waiting:
        session = by_id[action.session]
        due = _e(action.due or "—")
        if today is not None and action.is_overdue(today):
            due += " <strong>(overdue)</strong>"
        lines.append(
            _row(
                [
                    f"<td>{_e(action.text)}</td>",
                    f"<td>{_e(action.owner or '—')}</td>",
                    f"<td>{_e(action.routine or OTHER)}</td>",
                    f'<td class="date">{due}</td>',
                    f"<td>{_e(session.title)} ({_e(session_day(session))})</td>",
                ]
            )
        )
    return _table((("Action", ""), ("Owner", ""), ("Routine", ""), ("Due", ""), ("From session", "")), lines)


def team_report(
    team: str | None,
    summaries: Sequence[SessionSummary],
    rows: Sequence[ActionRow | ActionSummary],
    traits: Mapping[str, str] | None = None,
    *,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
) -> str:
    """A team's progress (None: every team): made against done per session as a chart and a
    table, the actions by routine and by trait, and what is still open (marked overdue when
    `today` is given). Counts as `facilitator.progress.progress` does."""
    found = progress(summaries, rows, traits, team=team, since=since, until=until)
    name = team_label(team)
    title = f"Progress: {name}" if team is None else f"Progress of team {name}"
    body = [f"<header><h1>{_e(title)}</h1>"]
    if found.sessions:
        first, last = found.sessions[0].day, found.sessions[-1].day
        span = f"on {first}" if first == last else f"from {first} to {last}"
        total = found.total
        sessions = len(found.sessions)
        body.append(
            f'<p class="meta">{sessions} closed session{"s" if sessions != 1 else ""} {span} · {total.made} actions made, '
            f"{total.done} done ({_e(rate_text(total))}), {total.dropped} dropped, {total.open} open</p></header>"
        )
    else:
        body.append('<p class="meta">No closed sessions yet.</p></header>')
    body.append('<section id="sessions"><h2>Made and done per session</h2>')
    if any(p.tally.made for p in found.sessions):
        body.append(progress_svg(found.sessions))
    if found.sessions:
        body.append(_sessions_table(found))
    else:
        body.append('<p class="empty">No actions yet.</p>')
    body.append("</section>")
    body.append(f'<section id="routines"><h2>By routine</h2>{_share_table("Routine", found.routines)}</section>')
    body.append(f'<section id="traits"><h2>By trait</h2>{_share_table("Trait", found.traits)}</section>')
    body.append(f'<section id="open"><h2>Open actions</h2>{_open_actions(found, summaries, rows, today)}</section>')
    return _page(title, body)
