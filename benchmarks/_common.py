"""Shared set-up for the benchmarks: a store filled with realistic sessions."""

from __future__ import annotations

import json
import random
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from facilitator.models import Action, Idea, Session


def sample_session(n: int) -> Session:
    ideas = [Idea(text=f"idea {k} of session {n}", round=k % 4) for k in range(12)]
    actions = [
        Action(text=f"action {k} of session {n}", owner=["Ana", "Ben", "Chris"][k % 3],
               routine="daily stand-up", due=date(2026, 1, 1) + timedelta(days=n % 300))
        for k in range(3)
    ]
    return Session(title=f"Session {n}", team=f"team-{n % 20}", plan="quick-reflection",
                   participants=["Ana", "Ben", "Chris"], ideas=ideas, actions=actions)


def fill_store(path: Path, sessions: int) -> None:
    """Write the store file in one go (as TinyDB would lay it out), which is much faster than
    saving session by session."""
    table = {str(k + 1): sample_session(k).model_dump(mode="json") for k in range(sessions)}
    path.write_text(json.dumps({"sessions": table}), encoding="utf-8")


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median and 95th percentile of `repeat` calls, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


# --- a realistic store, written as the store writes it (see make_store.py) ------------------

TEAMS = ["Support", "Sales", "Onboarding", "Billing", "Platform", "Mobile app", "Field service", "Claims",
         "Retail", "Partners", "Marketing", "Finance", "Logistics", "Care", "Data", "Payments", "Growth",
         "Customer success", "Product", "Contact centre"]
NAMES = ["Ana", "Ben", "Chris", "Dana", "Eli", "Fatima", "Goran", "Hana", "Ivo", "Jun", "Kemal", "Lea",
         "Mara", "Nils", "Olu", "Priya", "Quentin", "Rosa", "Sven", "Tomás"]
ROUTINES = ["daily stand-up", "weekly team meeting", "one-to-ones", "monthly review", "sprint planning",
            "retrospective", "town hall"]
PLANS = ["quick-reflection"] * 14 + ["follow-up"] * 3 + ["routine-scan"] * 2 + ["leadership-workshop"]
VERBS = ["Call", "Invite", "Share", "Read out", "Start with", "Ask about", "Show", "Review", "Bring", "Pin up"]
OBJECTS = ["three customers", "the churn numbers", "one support ticket", "a complaint of the week", "a customer quote",
           "the NPS comments", "a lost deal", "the frontline team", "a customer's own words", "the top five questions"]
CONTEXTS = ["at the start of the stand-up", "every Monday", "before each release", "in the weekly meeting",
            "with the whole team", "before we decide", "in every one-to-one", "on the team wall", "at the monthly review"]
CADENCES = ["once"] * 5 + ["weekly"] * 3 + ["daily", "monthly"]


@dataclass
class StoreInfo:
    """What `write_store` wrote: enough for a benchmark to pick its targets."""

    path: Path
    sessions: int
    bytes: int
    open_actions: list[str]
    """Ids of open actions of closed sessions, spread over the store (for `actions done ID`)."""


def _ident(counter: int) -> str:
    """An 8-hex-digit id like `models.new_id`'s, but unique and repeatable: an odd multiplier is a
    bijection modulo 2**32, so distinct counters give distinct ids."""
    return f"{counter * 2654435761 % 2**32:08x}"


def _stamp(moment: datetime) -> str:
    """A UTC timestamp as pydantic dumps one."""
    return moment.isoformat() + "Z"


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CONTEXTS)}"


class SessionWriter:
    """Session documents as `Session.model_dump(mode="json")` gives them (every field, from the
    models' own defaults), built as plain dicts: fast enough for 50,000 sessions in seconds."""

    def __init__(self, seed: int, ideas: int, actions: int) -> None:
        from facilitator.catalog import load_decks, load_plans
        from facilitator.models import Action, Cluster, Idea, PhaseTime, Round, Session, Vote

        self.rng = random.Random(seed)
        self.ideas, self.actions = ideas, actions
        self.counter = seed * 1_000_003
        self.plans = load_plans()
        decks = load_decks()
        self.cards = {d.id: [(c.id, c.kind.value, c.text) for c in d.prompts] for d in decks}
        self.session_t = Session(title="t", plan="quick-reflection").model_dump(mode="json")
        self.idea_t = Idea(text="t", round=0).model_dump(mode="json")
        self.action_t = Action(text="t").model_dump(mode="json")
        self.round_t = Round(index=0, phase=0, kind="question", text="t", seconds=60).model_dump(mode="json")
        self.time_t = PhaseTime(phase=0, label="t", planned=60).model_dump(mode="json")
        self.cluster_t = Cluster(name="t").model_dump(mode="json")
        self.vote_t = Vote(target="t", dots=1).model_dump(mode="json")

    def new_id(self) -> str:
        self.counter += 1
        return _ident(self.counter)

    def session(self, created: datetime, today: datetime, status: str = "closed") -> dict:
        """One session run on `created`; its actions' progress depends on how long ago that was."""
        rng = self.rng
        plan = self.plans.get(rng.choice(PLANS))
        team = rng.choice(TEAMS)
        people = rng.sample(NAMES, rng.randint(3, 8))
        routines = rng.sample(ROUTINES, rng.randint(2, 3))
        session_id = self.new_id()
        closed = status == "closed"
        last = len(plan.phases) - 1
        phase = last if closed else rng.randint(1, max(1, last - 2))
        moment = created
        rounds, timings = [], []
        for index, step in enumerate(plan.phases[: phase + 1]):
            started = moment
            if step.kind.value in ("warm-up", "diverge"):
                for _ in range(step.rounds):
                    deck = rng.choice(step.decks or plan.decks)
                    card_id, kind, text = rng.choice(self.cards[deck])
                    routine = rng.choice(routines)
                    rounds.append({**self.round_t, "index": len(rounds), "phase": index, "kind": kind,
                                   "text": text.replace("{routine}", routine), "deck": deck, "prompt": card_id,
                                   "routine": routine, "seconds": step.round_seconds, "started": _stamp(moment),
                                   "ended": _stamp(moment + timedelta(seconds=step.round_seconds))})
                    moment += timedelta(seconds=step.round_seconds + rng.randint(5, 40))
            else:
                moment += timedelta(seconds=step.minutes * 60 + rng.randint(-30, 90))
            if index < phase or closed:
                timings.append({**self.time_t, "phase": index, "label": step.label, "planned": step.minutes * 60,
                                "spent": (moment - started).total_seconds(), "started": _stamp(started), "ended": _stamp(moment)})
        ideas = []
        for k in range(self.ideas):
            shown = rounds[k % len(rounds)] if rounds else None
            ideas.append({**self.idea_t, "id": self.new_id(), "text": _sentence(rng), "author": rng.choice(people),
                          "round": shown["index"] if shown else 0, "prompt": shown["text"] if shown else None,
                          "builds_on": ideas[-1]["id"] if ideas and rng.random() < 0.25 else None,
                          "routine": rng.choice(routines) if rng.random() < 0.5 else None,
                          "created": _stamp(created + timedelta(seconds=30 * k))})
        doc = {**self.session_t, "id": session_id, "title": f"{team} {rng.choice(routines)} reflection",
               "team": team, "facilitator": people[0], "participants": people, "plan": plan.id,
               "decks": list(plan.decks), "routines": routines, "seed": rng.randrange(1, 1_000_000),
               "status": status, "phase": phase, "revision": phase + 1, "created": _stamp(created),
               "updated": _stamp(moment), "rounds": rounds, "ideas": ideas, "timings": timings}
        if status == "archived" or status == "live":
            return doc
        clusters = [{**self.cluster_t, "id": self.new_id(), "name": ideas[k]["text"][:40],
                     "ideas": [i["id"] for i in ideas[k : k + 4]], "routine": rng.choice(routines)}
                    for k in range(0, len(ideas), 4)]
        doc["clusters"] = clusters
        doc["votes"] = [{**self.vote_t, "target": c["id"], "dots": rng.randint(1, 9)} for c in clusters]
        age = (today - created).days
        done, dropped = (0.65, 0.15) if age > 90 else (0.4, 0.05) if age > 14 else (0.05, 0.0)
        actions = []
        for _ in range(self.actions):
            roll = rng.random()
            state = "done" if roll < done else "dropped" if roll < done + dropped else "open"
            due = created.date() + timedelta(days=rng.randint(7, 42))
            actions.append({**self.action_t, "id": self.new_id(), "text": _sentence(rng), "owner": rng.choice(people),
                            "routine": rng.choice(routines), "cadence": rng.choice(CADENCES), "due": due.isoformat(),
                            "measure": "customers named in the meeting" if rng.random() < 0.3 else None,
                            "status": state, "source_ideas": [i["id"] for i in rng.sample(ideas, min(2, len(ideas)))],
                            "session": session_id, "created": _stamp(moment),
                            "closed": None if state == "open" else _stamp(moment + timedelta(days=rng.randint(3, 60)))})
        doc["actions"] = actions
        return doc


def write_store(path: Path, sessions: int, *, ideas: int = 12, actions: int = 3, seed: int = 1,
                years: float = 5.0, indent: int | None = 1) -> StoreInfo:
    """Write a store of `sessions` sessions run over `years` up to today (one in 50 archived,
    the newest one live with a short journal beside the store), in the layout `Store` writes
    (TinyDB's `{"sessions": {"1": doc, ...}}`, indented as its storage indents), streamed."""
    from facilitator.engine import events
    from facilitator.journal import Journal
    from facilitator.models import Idea, Session

    writer = SessionWriter(seed, ideas, actions)
    today = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    first = today - timedelta(days=365 * years)
    step = (today - first) / max(sessions, 1)
    spread = max(sessions // 50, 1)
    open_actions: list[str] = []
    live_id = None
    temp = path.with_name(path.name + ".writing")
    with open(temp, "w", encoding="utf-8") as out:
        out.write('{\n "sessions": {' if indent is not None else '{"sessions": {')
        for n in range(sessions):
            created = (first + step * n).replace(hour=9, minute=0, second=0) + timedelta(minutes=writer.rng.randint(0, 480))
            status = "live" if n == sessions - 1 else "archived" if writer.rng.random() < 0.02 else "closed"
            doc = writer.session(created, today, status)
            if n < 20 or status == "live":  # the generator stays in step with the models
                Session.model_validate(doc)
            if status == "live":
                live_id = doc["id"]
            if status == "closed" and n % spread == 0:
                open_actions += [a["id"] for a in doc["actions"] if a["status"] == "open"][:1]
            text = json.dumps(doc, ensure_ascii=False, indent=indent)
            if indent is not None:
                out.write(("," if n else "") + f'\n  "{n + 1}": ' + text.replace("\n", "\n  "))
            else:
                out.write((", " if n else "") + f'"{n + 1}": ' + text)
        out.write(("\n }\n}" if sessions else "}\n}") if indent is not None else "}}")
    temp.replace(path)
    if live_id is not None:
        journal = path.with_name(path.name + ".journal") / f"{live_id}.jsonl"
        journal.unlink(missing_ok=True)
        taken = [events.put("idea", Idea(text=_sentence(writer.rng), author=writer.rng.choice(NAMES), round=1))
                 for _ in range(5)]
        Journal(journal).append(*taken)
    return StoreInfo(path, sessions, path.stat().st_size, open_actions)
