"""The truthful class of a probe, from the records alone.

Classes:
  yes / no         the records establish the answer;
  correct_premise  the question presumes what the records contradict (a split that did not
                   happen, a partnership no record holds);
  not_said         the records do not establish it: the future, causes no quote links, relations
                   the records do not cover (ownership, what a camera maker also makes);
  open             a wh-question the records do answer (a linked cause): neither Yes nor No.

Rules (a "current" partnership is announced or active; "no record" means the sources report no
such partnership, and the records list every partnership the sources report):
  works_with        current record: yes; ended record or no record: no.
  ever_worked       any record: yes; none: no.
  device_with       the device among the pair's devices: yes; among reported devices only, or a
                    record exists without listing it: not_said; no record for the pair: no.
  not_works         the negation of works_with.
  stopped           ended: yes; current: no; no record: correct_premise.
  only_current      X not currently with Y: no; another phone maker currently with Y: no; else
                    not_said (no record shows the world has no other).
  only_ever         no X–Y record: no; another phone maker's record with Y: no; else not_said.
  latest / first    a source sentence "<X> is the latest phone maker to partner…": yes for X, no
                    for every other phone maker (for "latest", not_said when a record first
                    reported after that source may have overtaken it: any for X, the asked
                    brand's for another); X the latest, asked first: no when another phone
                    maker's record with one of X's camera makers was reported by then (it
                    partnered before the latest did); X with no record: correct_premise; X's
                    records all dated by `since` and another record's `since` strictly later
                    (earlier): no;
                    else not_said.
  pair_first / pair_latest   "was X Y's first / latest phone partner?": no X–Y record: no; the
                    one phone maker a source calls the latest, with Y its one camera partner by
                    then: another phone maker's record with Y reported by then makes the latest
                    not Y's first (no) and that other not Y's latest (no), the latest Y's
                    latest (yes) unless a record with Y was first reported since; else not_said.
  due_*             no record: correct_premise; no first_phone_due: not_said; else the due month
                    (or year) compared with the asked month (or year): yes or no where the spans
                    decide it, not_said where they overlap without deciding.
  longer / shorter  the signed length (period in years) against N: yes or no; "multi-year" (two
                    years at least): longer than 1 yes, shorter than 1 or 2 no, else not_said;
                    no period: not_said; no record: correct_premise.
  length_is         the signed length equal to N: yes, else no; "multi-year": N=1 no, else
                    not_said; no period: not_said; no record: correct_premise.
  worked_*          as longer / shorter for an ended partnership; a current one has not run its
                    course: not_said.
  will_partner, still_in   the future: not_said (a current record does not say what will be).
  status_in         "is X still with Y in <year>?": no record: no; before its `since`: no; after
                    its newest source: ended no, current not_said; ended within: not_said (no
                    end date); current in the newest source's year, or since then: yes.
  why_end, premise_end     no record or not ended: correct_premise; ended with a quote linking a
                    cause: open; ended without: not_said.
  why_partner       no record: correct_premise; else not_said (no record states a motive).
  announced_by      no record: correct_premise; a quote naming the brand before "announced":
                    yes; else not_said (never no: a quote does not rule out another announcer).
  person_announced  no record: correct_premise; else not_said.
  person_role       the person's brand and role as recorded: yes; another brand: no.
  both_have         each phone maker has a current record: yes; else no.
  both_with         both currently with Y: yes; else no.   neither_with: the negation of "either".
  all_have, all_had three phone makers: each with a current record (any record, asked of the
                    past): yes; else no.
  which_ended       "which of X, Z and W no longer has a partner?": open (named, never a bare yes
                    or no).
  partner_of_partner  "of X, Z and W, whose partner used to work with A?": open (named).
  bought            not_said.   makes_phones: phone maker: yes; camera maker: not_said.
  instead           no X–Y record: no; X–Y and X–Z both current: no; X–Y current and X–Z
                    ended: yes (the one replaced the other, both quoted); else not_said.
  successor         "who did Y go to after X?": no ended X–Y record: correct_premise; else open.
  still_or          "still with Y or did that end?": a record: open (the answer names which, never
                    a bare yes or no); no record: correct_premise.
  camera_kind       a camera maker: yes; a phone maker: not_said (as makes_phones).
  kind_choice       "phone or camera company?": open (named, never a bare yes or no).
  instead_now       "does X work with Y instead of Z" (now, no word of choosing): X–Y current
                    and no current X–Z: yes; else no.
  instead_phone     as instead, from the camera maker's side: Y chose phone maker X over Z.
  not_not           "isn't it true that X doesn't work with Y": as not_works.
  unsuccessful      no record: correct_premise; else not_said.
  flop / success    a source calls the device successful: no / yes; else not_said.
  both_success      a source calls both phones successful: yes; else not_said.
  success_too       "did D do well too, or just D2?": open (named, never a bare yes or no).
  country_is        no country: not_said; the recorded country: yes; another: no.
  country_not       the negation of country_is.
  length_decade     "a decade long?": length_is with ten years.
  shorter_year      "shorter than a year?": shorter with one year.
  term_choice       "a one-off or long term?": open (a choice, never a bare yes or no).
  due_relative      "due this year or next year?": open (named as counted from the source's
                    date, never a bare yes or no: "this year" moves with the asker).
  country_all       "are Y and Z both <ADJ>?": one from another recorded country: no; both from
                    the country asked: yes; else not_said.
  phones_aside      "apart from D, which X phones had Y?": D among the pair's devices: open (a
                    list); else not_said.
  only_phones       "was Y only on D and D2?": no record: no; a phone not among the devices:
                    not_said; the record names other phones too: no; else not_said.
  both_phones       "were D and D2 both Y phones?": both among the devices: yes; no record: no;
                    else not_said.
  too_or_only       "D too, or only D2?": both among the devices: open; else not_said.
  scope_all         "does X use Y on every phone?": no record: no; else not_said (no source says
                    a partnership covers every phone a maker sells).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.facts.models import Month
from tests.truth.model import Model, PairFacts
from tests.truth.probes import Probe

YES, NO, PREMISE, NOT_SAID, OPEN = "yes", "no", "correct_premise", "not_said", "open"


@dataclass(frozen=True, slots=True)
class Truth:
    """A truthful class and why."""

    cls: str
    reason: str


def _flip(truth: Truth) -> Truth:
    swap = {YES: NO, NO: YES}
    return Truth(swap.get(truth.cls, truth.cls), f"negated: {truth.reason}")


def _no_record(m: Model, p: Probe) -> Truth:
    return Truth(NO, f"no {p.x}–{p.y} record")


def _premise(m: Model, p: Probe) -> Truth:
    return Truth(PREMISE, f"no {p.x}–{p.y} record")


def works_with(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None:
        return _no_record(m, p)
    return Truth(YES if pair.current else NO, f"{pair.id} is {pair.status}")


def ever_worked(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    return Truth(YES, f"{pair.id} record") if pair else _no_record(m, p)


def device_with(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None:
        return _no_record(m, p)
    if p.device in pair.devices:
        return Truth(YES, f"{p.device} in {pair.id} devices")
    return Truth(NOT_SAID, f"{p.device} not among {pair.id} devices")


def stopped(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None:
        return _premise(m, p)
    return Truth(YES if pair.ended else NO, f"{pair.id} is {pair.status}")


def _others_with(m: Model, p: Probe, *, current: bool) -> list[PairFacts]:
    return [q for q in m.pairs_of(p.y) if q.phone != p.x and (q.current or not current)]


def only_current(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None or not pair.current:
        return Truth(NO, f"{p.x} not currently with {p.y}")
    if others := _others_with(m, p, current=True):
        return Truth(NO, f"{others[0].id} is {others[0].status}")
    return Truth(NOT_SAID, "no other current record; the sources do not say 'only'")


def only_ever(m: Model, p: Probe) -> Truth:
    if m.pair(p.x, p.y) is None:
        return _no_record(m, p)
    if others := _others_with(m, p, current=False):
        return Truth(NO, f"{others[0].id} record")
    return Truth(NOT_SAID, "no other record; the sources do not say 'only'")


def _superlative(m: Model, p: Probe, word: str) -> Truth:
    name = m.brands[p.x].name
    stated = [n for n, w in m.superlatives if w == word]
    if stated:
        on = m.superlative_dates[(stated[0], word)]
        mover = None if name in stated else p.x  # who could have overtaken it since
        later = [q for q in m.pairs.values() if q.first_reported > on and mover in (None, q.phone)]
        if word == "latest" and later:
            return Truth(NOT_SAID, f"{later[0].id} was first reported after the ranking")
        return Truth(YES if name in stated else NO, f"a source says {stated[0]} is the {word}")
    if word == "first" and (on := m.superlative_dates.get((name, "latest"))):
        cameras = {q.camera for q in m.pairs_of(p.x)}
        before = [
            q
            for q in m.pairs.values()
            if q.phone != p.x and q.camera in cameras and q.first_reported <= on
        ]
        if before:
            return Truth(NO, f"{name} is the latest; {before[0].id} was reported by then")
    own = m.pairs_of(p.x)
    if not own:
        return Truth(PREMISE, f"no {p.x} record")
    if any(q.since is None for q in own):
        return Truth(NOT_SAID, f"a {p.x} record has no since")
    key = [(q.since.year, q.since.month or 0) for q in own if q.since]
    others = [(q.id, (q.since.year, q.since.month or 0)) for q in m.pairs.values() if q.since]
    beat = [
        i
        for i, s in others
        if (s > max(key) if word == "latest" else s < min(key)) and i not in {q.id for q in own}
    ]
    if beat:
        return Truth(NO, f"{beat[0]} since is {'later' if word == 'latest' else 'earlier'}")
    return Truth(NOT_SAID, "other records have no since")


def latest(m: Model, p: Probe) -> Truth:
    return _superlative(m, p, "latest")


def first(m: Model, p: Probe) -> Truth:
    return _superlative(m, p, "first")


def _pair_rank(m: Model, p: Probe, word: str) -> Truth:
    """First or latest partner of one camera maker, from the one maker a source calls latest."""
    pair = m.pair(p.x, p.y)
    if pair is None:
        return _no_record(m, p)
    stated = {(n, d) for (n, w), d in m.superlative_dates.items() if w == "latest"}
    if len({n for n, _ in stated}) != 1:
        return Truth(NOT_SAID, "no one maker ranked latest")
    name, on = min(stated, key=lambda s: s[1])
    ranked = next(b.id for b in m.brands.values() if b.name == name)
    if {q.camera for q in m.pairs_of(ranked) if q.first_reported <= on} != {p.y}:
        return Truth(NOT_SAID, f"{p.y} is not the one partner of the latest, {ranked}")
    others = [q for q in m.pairs_of(p.y) if q.phone != ranked]
    before = [q for q in others if q.first_reported <= on]
    if word == "first":
        if p.x == ranked and before:
            return Truth(NO, f"{before[0].id} was reported by the ranking of {ranked}")
        return Truth(NOT_SAID, "the sources rank no first partner")
    if len(before) < len(others):
        return Truth(NOT_SAID, f"a record with {p.y} was first reported after the ranking")
    if p.x == ranked:
        return Truth(YES, f"{ranked} is the latest; {p.y} its one partner")
    return Truth(NO if pair in before else NOT_SAID, f"{ranked} partnered with {p.y} later")


def _span(month: Month) -> tuple[int, int]:
    """The first and last month index a Month covers."""
    if month.month is None:
        return month.year * 12, month.year * 12 + 11
    index = month.year * 12 + month.month - 1
    return index, index


def _due(
    m: Model, p: Probe, decide: Callable[[tuple[int, int], tuple[int, int]], bool | None]
) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None:
        return _premise(m, p)
    if pair.first_due is None or p.month is None:
        return Truth(NOT_SAID, f"{pair.id} has no first_phone_due")
    verdict = decide(_span(pair.first_due), _span(p.month))
    reason = f"due {pair.first_due.label}, asked {p.month.label}"
    if verdict is None:
        return Truth(NOT_SAID, f"{reason}: spans overlap")
    return Truth(YES if verdict else NO, reason)


def _before(d: tuple[int, int], a: tuple[int, int]) -> bool | None:
    return True if d[1] < a[0] else False if d[0] >= a[0] else None


def _after(d: tuple[int, int], a: tuple[int, int]) -> bool | None:
    return True if d[0] > a[1] else False if d[1] <= a[1] else None


def _in(d: tuple[int, int], a: tuple[int, int]) -> bool | None:
    if a[0] <= d[0] and d[1] <= a[1]:
        return True
    return False if d[1] < a[0] or d[0] > a[1] else None


def _by(d: tuple[int, int], a: tuple[int, int]) -> bool | None:
    return True if d[1] <= a[1] else False if d[0] > a[1] else None


def _until(d: tuple[int, int], a: tuple[int, int]) -> bool | None:
    return True if d[0] >= a[0] else False if d[1] < a[0] else None


def _length(m: Model, p: Probe, longer: bool, *, ran: bool) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None:
        return _premise(m, p)
    if ran and not pair.ended:
        return Truth(NOT_SAID, f"{pair.id} is {pair.status}: it has not run its course")
    if pair.period_years is None:
        # "multi-year" is two years at least: longer than one, not shorter than two.
        if "multi" in pair.period and p.years <= (1 if longer else 2):
            return Truth(YES if longer else NO, f"{pair.id} is {pair.period}, asked {p.years}")
        return Truth(NOT_SAID, f"{pair.id} period {pair.period or 'not given'}")
    holds = pair.period_years > p.years if longer else pair.period_years < p.years
    return Truth(YES if holds else NO, f"{pair.id} is {pair.period}, asked {p.years}")


def length_is(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None:
        return _premise(m, p)
    if pair.period_years is not None:
        cls = YES if pair.period_years == p.years else NO
        return Truth(cls, f"{pair.id} is {pair.period}, asked {p.years}")
    if "multi" in pair.period and p.years == 1:
        return Truth(NO, f"{pair.id} is {pair.period}: more than one year")
    return Truth(NOT_SAID, f"{pair.id} period {pair.period or 'not given'}")


def status_in(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None:
        return _no_record(m, p)
    year, reported = p.years, pair.reported_on.year
    if pair.since is not None and year < pair.since.year:
        return Truth(NO, f"{pair.id} began in {pair.since.label}")
    if year > reported:
        return Truth(NO if pair.ended else NOT_SAID, f"after {pair.id}'s newest source")
    if pair.ended:
        return Truth(NOT_SAID, f"{pair.id} ended; its last year is not recorded")
    if year == reported or (pair.since is not None and pair.since.year <= year):
        return Truth(YES, f"{pair.id} current as of {pair.reported_on}")
    return Truth(NOT_SAID, f"{pair.id} has no start before {year}")


def _not_said(reason: str) -> Callable[[Model, Probe], Truth]:
    return lambda m, p: Truth(NOT_SAID, reason)


def _ending(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None:
        return _premise(m, p)
    if not pair.ended:
        return Truth(PREMISE, f"{pair.id} is {pair.status}, not ended")
    if pair.cause_of_end:
        return Truth(OPEN, f"{pair.id} quotes link a cause")
    return Truth(NOT_SAID, f"{pair.id} quotes link no cause")


def why_partner(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    return Truth(NOT_SAID, f"{pair.id}: no motive recorded") if pair else _premise(m, p)


def announced_by(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None:
        return _premise(m, p)
    names = m.brands[p.a].names
    for quote in pair.quotes:
        at = quote.find("announced")
        if at > 0 and any(0 <= quote.find(n) < at for n in names):
            return Truth(YES, f"quote: {quote[:60]}")
    return Truth(NOT_SAID, "no quote names who announced")


def person_announced(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    return Truth(NOT_SAID, "no quote has a person announce") if pair else _premise(m, p)


def person_role(m: Model, p: Probe) -> Truth:
    owner = next(b for b in m.brands.values() if (p.person, p.role) in b.people)
    return Truth(YES if owner.id == p.x else NO, f"{p.person} is {owner.id}'s {p.role}")


def both_have(m: Model, p: Probe) -> Truth:
    lacking = [b for b in (p.x, p.z) if not any(q.current for q in m.pairs_of(b))]
    return Truth(NO, f"{lacking[0]} has no current record") if lacking else Truth(YES, "both")


def all_have(m: Model, p: Probe, *, past: bool) -> Truth:
    lacking = [b for b in (p.x, p.z, p.w) if not any(past or q.current for q in m.pairs_of(b))]
    return Truth(NO, f"{lacking[0]} has no such record") if lacking else Truth(YES, "all three")


def both_with(m: Model, p: Probe) -> Truth:
    truths = [works_with(m, Probe("works_with", x=b, y=p.y)) for b in (p.x, p.z)]
    no = [t for t in truths if t.cls == NO]
    return no[0] if no else Truth(YES, "both current")


def neither_with(m: Model, p: Probe) -> Truth:
    truths = [works_with(m, Probe("works_with", x=b, y=p.y)) for b in (p.x, p.z)]
    yes = [t for t in truths if t.cls == YES]
    return Truth(NO, yes[0].reason) if yes else Truth(YES, "neither current")


def makes_phones(m: Model, p: Probe) -> Truth:
    if m.brands[p.y].is_phone_maker:
        return Truth(YES, f"{p.y} is a phone maker")
    return Truth(NOT_SAID, "the records say what it makes for partnerships only")


def _instead(m: Model, anchor: str, chosen: str, dropped: str) -> Truth:
    picked, other = m.pair(anchor, chosen), m.pair(anchor, dropped)
    if picked is None:
        return Truth(NO, f"no {anchor}–{chosen} record")
    if other and picked.current and other.current:
        return Truth(NO, f"{picked.id} and {other.id} both current")
    if other and picked.current and other.ended:
        return Truth(YES, f"{picked.id} is current, {other.id} ended")
    return Truth(NOT_SAID, "no record says one was chosen over the other")


def instead(m: Model, p: Probe) -> Truth:
    return _instead(m, p.x, p.y, p.z)


def successor(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None or not pair.ended:
        return Truth(PREMISE, f"no ended {p.x}–{p.y} record")
    return Truth(OPEN, f"{pair.id} ended: a wh-question, never a yes or a no")


def still_or(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None:
        return _premise(m, p)
    return Truth(OPEN, f"{pair.id} is {pair.status}: a choice, answered by naming it")


def camera_kind(m: Model, p: Probe) -> Truth:
    if m.brands[p.y].is_phone_maker:
        return Truth(NOT_SAID, "a phone maker: the records do not say what else it makes")
    return Truth(YES, f"{p.y} is a camera maker")


def instead_now(m: Model, p: Probe) -> Truth:
    picked, other = m.pair(p.x, p.y), m.pair(p.x, p.z)
    if picked is not None and picked.current and (other is None or other.ended):
        return Truth(YES, f"{picked.id} is current, no current {p.x}–{p.z} record")
    if picked is None or picked.ended:
        return Truth(NO, f"no current {p.x}–{p.y} record")
    return Truth(NO, f"{p.x}–{p.z} is current too")


def instead_phone(m: Model, p: Probe) -> Truth:
    return _instead(m, p.y, p.x, p.z)


def unsuccessful(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    return Truth(NOT_SAID, "no record judges success") if pair else _premise(m, p)


def _device_success(m: Model, p: Probe, success: bool) -> Truth:
    if p.device in m.successful:
        return Truth(YES if success else NO, f"a source calls the {p.device} successful")
    return Truth(NOT_SAID, "no source judges the device")


def country_is(m: Model, p: Probe) -> Truth:
    country = m.brands[p.y].country
    if country is None:
        return Truth(NOT_SAID, f"{p.y} has no country")
    return Truth(YES if country == p.country else NO, f"{p.y} is from {country}")


def _phones(m: Model, p: Probe) -> tuple[PairFacts | None, list[str]]:
    """The pair's record and which of the probe's phones it names."""
    pair = m.pair(p.x, p.y)
    named = [d for d in (p.device, p.device2) if d]
    return pair, [d for d in named if pair is not None and d in pair.devices]


def phones_aside(m: Model, p: Probe) -> Truth:
    pair, seen = _phones(m, p)
    if pair is None or not seen:
        return Truth(NOT_SAID, f"{p.device} is not among the {p.x}–{p.y} phones")
    return Truth(OPEN, f"{pair.id} devices less {p.device}: a list, never a yes or a no")


def only_phones(m: Model, p: Probe) -> Truth:
    pair, seen = _phones(m, p)
    if pair is None:
        return _no_record(m, p)
    if len(seen) < 2:
        return Truth(NOT_SAID, f"{pair.id} does not name both phones")
    if set(pair.devices) - set(seen):
        return Truth(NO, f"{pair.id} was seen on other phones too")
    return Truth(NOT_SAID, "the record names just these; the sources do not say 'only'")


def both_phones(m: Model, p: Probe) -> Truth:
    pair, seen = _phones(m, p)
    if pair is None:
        return _no_record(m, p)
    if len(seen) == 2:
        return Truth(YES, f"{pair.id} was seen on both")
    return Truth(NOT_SAID, f"{pair.id} does not name both phones")


def too_or_only(m: Model, p: Probe) -> Truth:
    pair, seen = _phones(m, p)
    if pair is None or len(seen) < 2:
        return Truth(NOT_SAID, "a phone the records do not name")
    return Truth(OPEN, f"{pair.id} names both: a choice, answered by naming")


def scope_all(m: Model, p: Probe) -> Truth:
    pair = m.pair(p.x, p.y)
    if pair is None:
        return _no_record(m, p)
    return Truth(NOT_SAID, f"{pair.id}: no source says it covers every phone")


def country_all(m: Model, p: Probe) -> Truth:
    countries = [m.brands[b].country for b in (p.y, p.z)]
    if any(c is not None and c != p.country for c in countries):
        return Truth(NO, f"{p.y} or {p.z} is from another country")
    if None in countries:
        return Truth(NOT_SAID, "a brand has no country")
    return Truth(YES, f"both from {p.country}")


RULES: dict[str, Callable[[Model, Probe], Truth]] = {
    "works_with": works_with,
    "ever_worked": ever_worked,
    "device_with": device_with,
    "not_works": lambda m, p: _flip(works_with(m, p)),
    "stopped": stopped,
    "only_current": only_current,
    "only_ever": only_ever,
    "latest": latest,
    "first": first,
    "pair_first": lambda m, p: _pair_rank(m, p, "first"),
    "pair_latest": lambda m, p: _pair_rank(m, p, "latest"),
    "due_before": lambda m, p: _due(m, p, _before),
    "due_after": lambda m, p: _due(m, p, _after),
    "due_in": lambda m, p: _due(m, p, _in),
    "due_by": lambda m, p: _due(m, p, _by),
    "due_until": lambda m, p: _due(m, p, _until),
    "longer": lambda m, p: _length(m, p, True, ran=False),
    "shorter": lambda m, p: _length(m, p, False, ran=False),
    "length_is": length_is,
    "worked_longer": lambda m, p: _length(m, p, True, ran=True),
    "worked_shorter": lambda m, p: _length(m, p, False, ran=True),
    "will_partner": _not_said("the future"),
    "still_in": _not_said("the future beyond the reports"),
    "status_in": status_in,
    "why_end": _ending,
    "premise_end": _ending,
    "why_partner": why_partner,
    "announced_by": announced_by,
    "person_announced": person_announced,
    "person_role": person_role,
    "both_have": both_have,
    "both_with": both_with,
    "all_have": lambda m, p: all_have(m, p, past=False),
    "all_had": lambda m, p: all_have(m, p, past=True),
    "which_ended": lambda m, p: Truth(OPEN, "a choice among brands, answered by naming"),
    "partner_of_partner": lambda m, p: Truth(OPEN, "a wh-question over two steps of records"),
    "neither_with": neither_with,
    "bought": _not_said("ownership is not in the records"),
    "makes_phones": makes_phones,
    "instead": instead,
    "instead_now": instead_now,
    "camera_kind": camera_kind,
    "kind_choice": lambda m, p: Truth(OPEN, "a choice of kinds, answered by naming one"),
    "still_or": still_or,
    "successor": successor,
    "instead_phone": instead_phone,
    "not_not": lambda m, p: _flip(works_with(m, p)),
    "unsuccessful": unsuccessful,
    "flop": lambda m, p: _device_success(m, p, False),
    "success": lambda m, p: _device_success(m, p, True),
    "both_success": lambda m, p: Truth(
        YES if {p.device, p.device2} <= m.successful else NOT_SAID, "a source's 'successful'"
    ),
    "success_too": lambda m, p: Truth(OPEN, "a choice of phones, answered by naming"),
    "country_is": country_is,
    "country_not": lambda m, p: _flip(country_is(m, p)),
    "country_all": country_all,
    "length_decade": lambda m, p: length_is(m, replace(p, years=10)),
    "shorter_year": lambda m, p: _length(m, replace(p, years=1), False, ran=False),
    "term_choice": lambda m, p: Truth(OPEN, "a choice, answered by naming one, never yes or no"),
    "due_relative": lambda m, p: Truth(OPEN, "a choice of years counted from a source's date"),
    "phones_aside": phones_aside,
    "only_phones": only_phones,
    "both_phones": both_phones,
    "too_or_only": too_or_only,
    "scope_all": scope_all,
}


def truth(model: Model, probe: Probe) -> Truth:
    """The truthful class of a probe."""
    return RULES[probe.rule](model, probe)
