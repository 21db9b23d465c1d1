"""The workshop's vocabulary as pydantic models.

Every value that comes from outside (a deck file, a plan file, the store, the command line) is
validated once, here, at the boundary. Unknown keys are errors so that a typo in a deck never
passes silently.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Annotated, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from facilitator.text import clean
from facilitator.vocabulary import (
    ROUND_PHASES,
    ActionStatus,
    Cadence,
    CardKind,
    PhaseKind,
    PromptKind,
    RoutineFit,
    SessionStatus,
)

SCHEMA_VERSION = 4
"""Version of the stored document format; bumped when a stored field is added or changes meaning.

2: a session keeps its draft, pending choices, running clock, phase times, follow-up changes,
its voters and "move on by itself", and a revision that stops a stale window writing over it.
3: a round keeps the customer-journey moment its card was about (or the origin of the customer's
words it showed); cards of four new kinds; a session keeps the customer evidence it was run with,
its check-out (return on time invested, follow-up date) and which actions were said aloud, and
a follow-up's reflections on earlier actions.
4: ideas and dots sent from participants' phones keep the device they came from (and an idea its
sender's key, so a retry is never counted twice); ideas the facilitator hid, devices it blocked,
and whether the room sends ideas anonymously.
"""

RESERVED_DECK_ID = "customer-evidence"
"""The deck a session's customer evidence is dealt from; no deck file may take its id."""

ROUTINE_SLOT = "{routine}"
MOMENT_SLOT = "{moment}"
SLOTS = {"routine": ROUTINE_SLOT, "moment": MOMENT_SLOT}
_SLOT = re.compile(r"\{([^{}]*)\}")

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def new_id() -> str:
    """A short random id: long enough to be unique in one store, short enough to type."""
    return uuid.uuid4().hex[:8]


def now() -> datetime:
    return datetime.now(UTC)


SCHEMA_CONFIG = ConfigDict(use_attribute_docstrings=True)
"""For the models whose JSON Schema ships (decks, plans): their field docstrings become the
descriptions an editor shows. Only for them: reading docstrings costs time at every import."""


class Strict(BaseModel):
    """Base for every model: unknown keys are refused, assignments are validated, and every
    string passes the text gate (`facilitator.text`) on its way in, from a file, the store, a
    journal or the keyboard: stored text written before the gate existed is cleaned as it loads."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)
    _keeps_lines: ClassVar[frozenset[str]] = frozenset()
    """Fields whose text may hold several lines; in every other field a line break is a space."""

    @model_validator(mode="before")
    @classmethod
    def _through_the_gate(cls, data: object) -> object:
        # One call per model rather than one per field: reading a store validates thousands.
        if not isinstance(data, dict):
            return data
        changed = None
        for name, value in data.items():
            kind = type(value)
            if (kind is str and value.isprintable()) or (kind is not str and kind is not list):
                continue  # the common case, decided without a call
            cleaned = _gated(value, name in cls._keeps_lines)
            if cleaned is not value:
                changed = changed or dict(data)
                changed[name] = cleaned
        return data if changed is None else changed

    def __setattr__(self, name: str, value: object) -> None:
        # An assignment skips the model validator above; it passes the gate here.
        super().__setattr__(name, _gated(value, name in self._keeps_lines))


def _gated(value: object, lines: bool) -> object:
    """`value` itself if it holds no text to clean (the common case, found cheaply), else a
    cleaned copy: a string, or a list of strings."""
    if type(value) is str:
        return value if value.isprintable() else clean(value, lines=lines)
    if type(value) is list and value and type(value[0]) is str:
        if all(type(v) is not str or v.isprintable() for v in value):
            return value
        return [clean(v, lines=lines) if type(v) is str else v for v in value]
    return value


# --- Decks -------------------------------------------------------------------------------------


class PromptCard(Strict):
    """One card a round shows: an open question, a routine card, a perspective or a stimulus."""

    model_config = SCHEMA_CONFIG

    id: Slug
    kind: CardKind
    text: Line
    source: Line | None = None
    """Where the card's idea comes from (an article, a page, an interview), for the coach who
    adapts the deck and the room that asks; never shown on the wall."""
    fits: list[RoutineFit] = Field(default_factory=list)
    """For a card with the `{routine}` slot: the kinds of routine it suits; empty (or `any`) means every routine."""

    @model_validator(mode="after")
    def _slots_match_kind(self) -> PromptCard:
        slots = _SLOT.findall(self.text)
        unknown = [s for s in slots if s not in SLOTS]
        if unknown:
            raise ValueError(f"unknown slot {{{unknown[0]}}}; the slots are {ROUTINE_SLOT} and {MOMENT_SLOT}")
        if self.kind is CardKind.ROUTINE and "routine" not in slots:
            raise ValueError(f"a routine card needs the {ROUTINE_SLOT} slot")
        if self.kind is CardKind.JOURNEY and "moment" not in slots:
            raise ValueError(f"a journey card needs the {MOMENT_SLOT} slot")
        if "routine" in slots and self.kind not in (CardKind.ROUTINE, CardKind.REVERSAL):
            raise ValueError(f"only routine and reversal cards may use {ROUTINE_SLOT}")
        if "moment" in slots and self.kind is not CardKind.JOURNEY:
            raise ValueError(f"only journey cards may use {MOMENT_SLOT}")
        if self.fits and not self.needs_routine:
            raise ValueError("only cards with the {routine} slot have fits: the others never show a routine")
        if len(set(self.fits)) != len(self.fits):
            raise ValueError("fits names a kind of routine twice")
        return self

    @property
    def needs_routine(self) -> bool:
        """A routine card, or a reversal card with the `{routine}` slot."""
        return self.kind is CardKind.ROUTINE or (self.kind is CardKind.REVERSAL and ROUTINE_SLOT in self.text)

    @property
    def needs_moment(self) -> bool:
        return self.kind is CardKind.JOURNEY

    def suits(self, routine_kinds: frozenset[RoutineFit]) -> bool:
        """Whether this card may be shown with a routine of these kinds (see `routines.kinds_of`)."""
        if not self.fits or RoutineFit.ANY in self.fits:
            return True
        return not routine_kinds.isdisjoint(self.fits)

    def render(self, routine: str | None = None, moment: str | None = None) -> str:
        """The text as shown, its slots filled in (plain replace: braces in them stay literal)."""
        text = self.text
        if self.needs_routine:
            if not routine:
                raise ValueError(f"card {self.id} needs a routine to render")
            text = text.replace(ROUTINE_SLOT, routine)
        if self.needs_moment:
            if not moment:
                raise ValueError(f"card {self.id} needs a moment of the customer's journey to render")
            text = text.replace(MOMENT_SLOT, moment)
        return text


class Source(Strict):
    """An article a deck's ideas come from."""

    model_config = SCHEMA_CONFIG

    title: Line
    author: str | None = None
    year: int | None = None


class Deck(Strict):
    """A set of prompt cards about one trait of customer-centric leadership."""

    model_config = SCHEMA_CONFIG

    _keeps_lines = frozenset({"summary"})

    id: Slug
    title: Line
    trait: Line
    summary: Line
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")] = "en"
    version: Line = "1"
    sources: list[Source] = Field(default_factory=list)
    prompts: list[PromptCard]

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, deck_id: str) -> str:
        if deck_id == RESERVED_DECK_ID:
            raise ValueError(f"the id {RESERVED_DECK_ID} is the app's own, for a session's customer evidence: give the deck another")
        return deck_id

    @field_validator("prompts")
    @classmethod
    def _cards_are_usable(cls, cards: list[PromptCard]) -> list[PromptCard]:
        if not cards:
            raise ValueError("a deck needs at least one card")
        seen: set[str] = set()
        for card in cards:
            if card.id in seen:
                raise ValueError(f"duplicate card id {card.id!r}")
            seen.add(card.id)
        return cards

    def card(self, card_id: str) -> PromptCard:
        for card in self.prompts:
            if card.id == card_id:
                return card
        raise KeyError(card_id)


# --- Plans -------------------------------------------------------------------------------------


class Phase(Strict):
    """One step of the agenda; warm-up and diverge phases are split into timed rounds."""

    model_config = SCHEMA_CONFIG

    kind: PhaseKind
    minutes: Annotated[int, Field(ge=1, le=480)]
    rounds: Annotated[int, Field(ge=1, le=50)] = 1
    title: str | None = None
    decks: list[Slug] = Field(default_factory=list)
    """Optional: the decks this phase draws from; empty means the session's decks."""
    kinds: list[CardKind] = Field(default_factory=list)
    """Optional: the kinds of card this phase shows (a routine scan shows only routine cards)."""
    silent_seconds: Annotated[int, Field(ge=0, le=600)] = 0
    """Optional: the phase's first round starts with this much silent writing: everyone writes
    their own ideas before anyone speaks, so the most senior voice does not steer the room."""

    @model_validator(mode="after")
    def _rounds_only_where_timed(self) -> Phase:
        if self.rounds != 1 and self.kind not in ROUND_PHASES:
            raise ValueError(f"only warm-up and diverge phases have rounds, not {self.kind}")
        if (self.decks or self.kinds) and self.kind not in ROUND_PHASES:
            raise ValueError(f"only warm-up and diverge phases draw cards, so {self.kind} takes no decks or kinds")
        if self.silent_seconds and self.kind not in ROUND_PHASES:
            raise ValueError(f"only warm-up and diverge phases have rounds to write in silently, not {self.kind}")
        if self.silent_seconds and self.silent_seconds >= self.round_seconds:
            raise ValueError(f"silent writing ({self.silent_seconds} s) must leave time to call out in a {self.round_seconds}-second round")
        return self

    @property
    def label(self) -> str:
        return self.title or self.kind.value.replace("-", " ").capitalize()

    @property
    def round_seconds(self) -> int:
        return self.minutes * 60 // self.rounds


class Plan(Strict):
    """A session format: which phases run, how many rounds, and how long each takes."""

    model_config = SCHEMA_CONFIG

    _keeps_lines = frozenset({"summary"})

    id: Slug
    title: Line
    summary: str = ""
    minutes: Annotated[int, Field(ge=1, le=600)]
    decks: list[Slug] = Field(default_factory=list)
    """Decks suggested at set-up; the facilitator may change them."""
    routines: list[Line] = Field(default_factory=list)
    """Routines suggested at set-up, for a plan about some routines only (hiring, one-to-ones…);
    empty means the team's usual list. The facilitator may change them."""
    phases: list[Phase]

    @model_validator(mode="after")
    def _agenda_adds_up(self) -> Plan:
        if not self.phases:
            raise ValueError("a plan needs at least one phase")
        total = sum(p.minutes for p in self.phases)
        if total != self.minutes:
            raise ValueError(f"phases add up to {total} minutes, the plan says {self.minutes}")
        return self

    @property
    def has_follow_up(self) -> bool:
        return any(p.kind is PhaseKind.FOLLOW_UP for p in self.phases)


# --- Sessions ----------------------------------------------------------------------------------


class Round(Strict):
    """One timed prompt: the card as shown and when it ran."""

    index: int
    phase: int
    kind: PromptKind
    text: str
    deck: str | None = None
    prompt: str | None = None
    routine: str | None = None
    moment: str | None = None
    """The customer-journey moment a journey card was filled with."""
    origin: str | None = None
    """For a customer's own words: where they come from (file, line, date, customer)."""
    seconds: int
    started: datetime | None = None
    ended: datetime | None = None


class Idea(Strict):
    """An association the room called out, as the facilitator typed it."""

    id: str = Field(default_factory=new_id)
    text: Line
    author: str | None = None
    round: int
    prompt: str | None = None
    builds_on: str | None = None
    routine: str | None = None
    created: datetime = Field(default_factory=now)
    device: str | None = None
    """The phone it was sent from, when a participant sent it rather than the facilitator typed it."""
    key: str | None = None
    """The sender's own name for it: a phone that sends it again (no answer reached it) finds it."""


class Cluster(Strict):
    """Ideas the room saw as one."""

    id: str = Field(default_factory=new_id)
    name: Line
    ideas: list[str] = Field(default_factory=list)
    routine: str | None = None


class Vote(Strict):
    """Dots placed on one idea or cluster."""

    target: str
    dots: Annotated[int, Field(ge=0)]
    device: str | None = None
    """The phone that placed them, each within its own budget; None: placed at the keyboard."""


class Action(Strict):
    """A commitment that brings the customer into one of the team's routines."""

    id: str = Field(default_factory=new_id)
    text: Line
    owner: str | None = None
    routine: str | None = None
    cadence: Cadence = Cadence.ONCE
    due: date | None = None
    measure: str | None = None
    status: ActionStatus = ActionStatus.OPEN
    source_ideas: list[str] = Field(default_factory=list)
    session: str | None = None
    created: datetime = Field(default_factory=now)
    closed: datetime | None = None
    committed: bool = False
    """Its owner said it aloud to the room at the close: a commitment, not a wish."""

    def is_overdue(self, today: date) -> bool:
        return self.status is ActionStatus.OPEN and self.due is not None and self.due < today

    @property
    def state(self) -> ActionState:
        return ActionState(status=self.status, owner=self.owner, due=self.due)


class Draft(Strict):
    """What is in the idea box but not yet entered: kept across rounds, phases and crashes."""

    text: str = ""
    editing: str | None = None
    """The idea being edited, when the box holds an edit rather than a new idea."""
    held: str = ""
    """A new idea's text, put aside while an earlier idea is edited; it comes back afterwards."""


class PhaseClock(Strict):
    """The current phase's clocks as last written: what a resume after a crash starts from."""

    phase: int
    round: int | None = None
    """The round the countdown belongs to, in warm-up and diverge phases."""
    left: float
    """Seconds left on the countdown; negative in overtime."""
    running: bool
    spent: float = 0.0
    """Real seconds the phase has run, pauses and overtime included."""
    at: datetime


class PhaseTime(Strict):
    """Planned against actual time for one phase, so a facilitator learns where time goes."""

    phase: int
    label: str
    planned: int
    """Seconds, from the plan."""
    spent: float = 0.0
    """Real seconds, pauses and overtime included."""
    started: datetime | None = None
    ended: datetime | None = None


class ActionState(Strict):
    """The parts of an earlier action that follow-up may change."""

    status: ActionStatus
    owner: str | None = None
    due: date | None = None


class FollowUp(Strict):
    """What the room changed about one earlier action during this session's follow-up."""

    action: str
    session: str
    text: str
    before: ActionState
    after: ActionState
    at: datetime = Field(default_factory=now)


class Reflection(Strict):
    """What the room made of one earlier action at a follow-up: did its measure show it worked,
    and What? So what? Now what?"""

    action: str
    session: str
    text: str
    measure_met: bool | None = None
    """Whether the action's measure showed it worked; None: not measured (yet)."""
    what: str = ""
    """What happened, in facts."""
    so_what: str = ""
    """What that means for the team and its customers."""
    now_what: str = ""
    """What the team does next."""
    at: datetime = Field(default_factory=now)


class EvidenceItem(Strict):
    """A customer's own words a session may show as a card: a quote, a complaint, a comment."""

    text: Line
    origin: str = ""


class Session(Strict):
    """One workshop, from set-up to the saved action list. This is the stored document."""

    schema_version: int = SCHEMA_VERSION
    id: str = Field(default_factory=new_id)
    title: Line
    team: str = ""
    facilitator: str = ""
    participants: list[str] = Field(default_factory=list)
    plan: str
    decks: list[str] = Field(default_factory=list)
    routines: list[str] = Field(default_factory=list)
    dots_per_participant: Annotated[int, Field(ge=0, le=50)] = 3
    voters: Annotated[int, Field(ge=1, le=1000)] | None = None
    """How many people vote, when the session has no named participants."""
    other_names: list[str] = Field(default_factory=list)
    """`@names` the facilitator chose to keep as typed rather than add as participants."""
    seed: int | None = None
    auto_advance: bool = False
    """Move on by itself when a phase's (or round's) time is up."""
    evidence: list[EvidenceItem] = Field(default_factory=list)
    """Customer evidence drawn as cards among the decks' (a sample of the file it came from)."""
    evidence_file: str = ""
    """The name of the file the evidence came from, for the summary."""
    roti: list[Annotated[int, Field(ge=1, le=5)]] = Field(default_factory=list)
    """The room's return on the time it invested, one score from 1 to 5 a person, given at the close."""
    follow_up_on: date | None = None
    """When the team meets again to follow its actions up, agreed at the close."""
    status: SessionStatus = SessionStatus.LIVE
    phase: Annotated[int, Field(ge=0)] = 0
    revision: Annotated[int, Field(ge=0)] = 0
    """Bumped at every save; a window holding an older revision may not write over a newer one."""
    created: datetime = Field(default_factory=now)
    updated: datetime = Field(default_factory=now)
    rounds: list[Round] = Field(default_factory=list)
    ideas: list[Idea] = Field(default_factory=list)
    clusters: list[Cluster] = Field(default_factory=list)
    votes: list[Vote] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    draft: Draft = Field(default_factory=Draft)
    builds_on_next: str | None = None
    """The idea the next one builds on, chosen and not yet used."""
    card_from: str | None = None
    """The idea the next round's card is built on, chosen and not yet used."""
    clock: PhaseClock | None = None
    timings: list[PhaseTime] = Field(default_factory=list)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    reflections: list[Reflection] = Field(default_factory=list)
    """What the room made of earlier actions at this follow-up (What? So what? Now what?)."""
    hidden_ideas: list[Idea] = Field(default_factory=list)
    """Ideas sent from phones that the facilitator took off the wall: kept, so a retry from the
    phone is not taken as new, and shown nowhere else."""
    blocked_devices: list[str] = Field(default_factory=list)
    """Phones the facilitator blocked: nothing more they send is taken."""
    anonymous: bool = False
    """Phones send ideas without a name."""

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, version: int) -> int:
        if version > SCHEMA_VERSION:
            raise ValueError(
                f"written by a newer facilitator (schema {version}, this one reads {SCHEMA_VERSION})"
            )
        return version

    @property
    def open_actions(self) -> list[Action]:
        return [a for a in self.actions if a.status is ActionStatus.OPEN]


    def customer_words(self) -> list[tuple[Round, list[Idea]]]:
        """Each round that showed a customer's own words, with the ideas the room called out in it."""
        sparked: dict[int, list[Idea]] = {}
        for idea in self.ideas:
            sparked.setdefault(idea.round, []).append(idea)
        return [(r, sparked.get(r.index, [])) for r in self.rounds if r.kind is PromptKind.EVIDENCE]
