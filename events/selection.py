"""A balanced, reproducible proposal of whom to confirm: a pure function, no I/O, no clock.

``propose(applicants, held, capacity, targets, seed)`` fills the free seats
(``capacity - len(held)``, or fewer when fewer apply) and meets the targets
(``events.targets``) in their order of importance: gender parity, country shares, age
bands, first-timers. When the applicants cannot meet a target, the proposal meets it as
closely as possible (the fewest seats outside its bounds, given the targets before it)
and reports it as missed, by that many seats. The seats themselves are always filled.

Among the selections that do that, it takes the best in rank order: organiser score
(5 first; unscored applicants after every scored one), then a lot drawn from the seed
and the registration id. It walks the ranked applicants and keeps each one while some
completion of the selection still meets the targets, so nobody is passed over unless
taking them would cost a target. People with the same gender, country, age band and
first-timer status are interchangeable for the targets, so the feasibility questions
are integer programs over those cells (tens of variables, solved exactly by HiGHS),
whatever the number of applicants.

Everyone not selected is on the waitlist in rank order; ``next_promotion`` picks from
it, when a seat frees up, the first person who keeps the balance best.
"""

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import highspy

from events.targets import SelectionTargets

ALGORITHM_VERSION = "balanced-greedy-1"

FEMALE, MALE, NEUTRAL = "female", "male", "neutral"


@dataclass(frozen=True)
class Applicant:
    """What the proposal may know of one application (registration id as ``key``)."""

    key: int
    gender: str | None = None
    country: str | None = None
    age: int | None = None
    first_timer: bool = False
    score: int | None = None

    @property
    def gender_class(self) -> str:
        # "Prefer not to say" and "other" count towards neither side of parity.
        return self.gender if self.gender in (FEMALE, MALE) else NEUTRAL


@dataclass(frozen=True)
class TargetResult:
    """One target against a selection: ``missed_by`` seats outside its bounds."""

    name: str
    missed_by: int
    counts: dict[str, int]


@dataclass(frozen=True)
class Proposal:
    selected: list[int]
    waitlist: list[int]
    not_selected: list[int]
    results: list[TargetResult]
    seed: int
    digest: str
    algorithm: str = ALGORITHM_VERSION

    @property
    def missed(self) -> dict[str, int]:
        return {result.name: result.missed_by for result in self.results if result.missed_by}


@dataclass(frozen=True)
class Quotas:
    """The event's hard limits on seats per country and per stated gender
    (``events.seats``): a proposal never goes over them, even to meet a target."""

    country: Mapping[str, int] = field(default_factory=dict)
    gender: Mapping[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, dict[str, int]]:
        return {
            "country": dict(sorted(self.country.items())),
            "gender": dict(sorted(self.gender.items())),
        }


NO_QUOTAS = Quotas()

Cell = tuple[str | None, str | None, int | None, bool]


def lot(seed: int, key: int) -> int:
    """A registration's lot for a seed: independent of everything else it applied with."""
    digest = hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def rank_key(seed: int, applicant: Applicant) -> tuple[int, int, int]:
    if applicant.score is None:
        return (1, 0, lot(seed, applicant.key))
    return (0, -applicant.score, lot(seed, applicant.key))


def input_digest(
    applicants: Iterable[Applicant],
    held: Iterable[Applicant],
    capacity: int,
    targets: SelectionTargets,
    seed: int,
    quotas: Quotas = NO_QUOTAS,
) -> str:
    """SHA-256 of everything the proposal depends on, in a canonical order."""
    document = audit_inputs(applicants, held, capacity, targets, seed, quotas)
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _row(applicant: Applicant) -> list[Any]:
    return [
        applicant.key,
        applicant.gender,
        applicant.country,
        applicant.age,
        applicant.first_timer,
        applicant.score,
    ]


def audit_inputs(
    applicants: Iterable[Applicant],
    held: Iterable[Applicant],
    capacity: int,
    targets: SelectionTargets,
    seed: int,
    quotas: Quotas = NO_QUOTAS,
) -> dict[str, Any]:
    """The inputs as a JSON document, enough to run the proposal again (``rerun``)."""
    return {
        "algorithm": ALGORITHM_VERSION,
        "seed": seed,
        "capacity": capacity,
        "quotas": quotas.as_json(),
        "targets": targets.model_dump(mode="json"),
        "applicants": [_row(a) for a in sorted(applicants, key=lambda a: a.key)],
        "held": [_row(a) for a in sorted(held, key=lambda a: a.key)],
    }


def rerun(document: Mapping[str, Any]) -> Proposal:
    """The proposal again, from what ``audit_inputs`` recorded."""

    def people(rows: Sequence[Sequence[Any]]) -> list[Applicant]:
        return [Applicant(*row) for row in rows]

    return propose(
        people(document["applicants"]),
        people(document["held"]),
        int(document["capacity"]),
        SelectionTargets.model_validate(document["targets"]),
        int(document["seed"]),
        quotas=Quotas(**document.get("quotas", {})),
    )


def cell_of(targets: SelectionTargets, quotas: Quotas, applicant: Applicant) -> Cell:
    """What the targets and quotas can tell apart about a person; nothing else matters."""
    shares = targets.country_shares
    country = applicant.country
    counted = (shares is not None and country in shares.seats) or country in quotas.country
    gender: str | None = NEUTRAL
    if quotas.gender:
        gender = applicant.gender
    elif targets.gender_parity is not None:
        gender = applicant.gender_class
    return (
        gender,
        country if counted else None,
        targets.band_of(applicant.age),
        applicant.first_timer and targets.first_timers is not None,
    )


# --- the targets as linear bounds over cell counts -----------------------------------


@dataclass
class _Component:
    """``lower <= sum(weights[cell] * x[cell]) + constant <= upper`` (soft)."""

    weights: dict[int, float]
    lower: float
    upper: float


@dataclass
class _Target:
    name: str
    components: list[_Component] = field(default_factory=list)


def _side(gender: str | None) -> str:
    return gender if gender in (FEMALE, MALE) else NEUTRAL


def _quota_rows(
    quotas: Quotas, cells: Sequence[Cell], fixed: Counter[Cell]
) -> list[tuple[list[int], float]]:
    """Each quota as (cells it counts, seats it still allows)."""
    rows: list[tuple[list[int], float]] = []
    for country, quota in sorted(quotas.country.items()):
        held = sum(n for cell, n in fixed.items() if cell[1] == country)
        rows.append(
            ([i for i, c in enumerate(cells) if c[1] == country], float(max(0, quota - held)))
        )
    for gender, quota in sorted(quotas.gender.items()):
        held = sum(n for cell, n in fixed.items() if cell[0] == gender)
        rows.append(
            ([i for i, c in enumerate(cells) if c[0] == gender], float(max(0, quota - held)))
        )
    return rows


def _linear_targets(
    targets: SelectionTargets, cells: Sequence[Cell], fixed: Counter[Cell]
) -> list[_Target]:
    """Each target's bounds over the counts of the cells, the fixed people folded in."""
    inf = highspy.kHighsInf

    def count(select: Any) -> tuple[dict[int, float], float]:
        weights = {i: 1.0 for i, cell in enumerate(cells) if select(cell)}
        constant = float(sum(number for cell, number in fixed.items() if select(cell)))
        return weights, constant

    found: list[_Target] = []
    parity = targets.gender_parity
    if parity is not None:
        # female - male - neutral <= 2t  and  male - female - neutral <= 2t
        sign = {FEMALE: 1.0, MALE: -1.0, NEUTRAL: -1.0}
        flip = {FEMALE: -1.0, MALE: 1.0, NEUTRAL: -1.0}
        target = _Target("gender_parity")
        for signs in (sign, flip):
            weights = {i: signs[_side(cell[0])] for i, cell in enumerate(cells)}
            constant = sum(signs[_side(cell[0])] * n for cell, n in fixed.items())
            target.components.append(_Component(weights, -inf, 2 * parity.tolerance - constant))
        found.append(target)
    shares = targets.country_shares
    if shares is not None:
        target = _Target("country_shares")
        for country, seats in sorted(shares.seats.items()):
            weights, constant = count(lambda cell, c=country: cell[1] == c)
            lower = max(0, seats - shares.tolerance) - constant
            target.components.append(
                _Component(weights, lower, seats + shares.tolerance - constant)
            )
        found.append(target)
    for index, band in enumerate(targets.age_bands):
        weights, constant = count(lambda cell, b=index: cell[2] == b)
        found.append(_Target(band.name, [_Component(weights, -inf, band.at_most - constant)]))
    if targets.first_timers is not None:
        weights, constant = count(lambda cell: cell[3])
        lower = targets.first_timers.at_least - constant
        found.append(_Target("first_timers", [_Component(weights, lower, inf)]))
    return found


class _Model:
    """The integer program over cell counts, built once and re-bounded for each question.

    Columns: one integer count per cell, then one deviation (>= 0) per component; each
    target has a row bounding the sum of its deviations (its level once it is known).
    Last, one "wished" column per cell, at most its count: maximising their sum with
    upper bounds from the rank order asks for a solution close to that order.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        seats: int,
        linear: Sequence[_Target],
        quota_rows: Sequence[tuple[list[int], float]],
    ) -> None:
        inf = highspy.kHighsInf
        self.highs = highspy.Highs()  # type: ignore[no-untyped-call]  # untyped wrapper
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("threads", 1)
        # Exact answers: by default HiGHS stops within 0.01% of the optimum, which for a
        # deviation of thousands of seats could be a seat off. Objectives here are whole
        # numbers at the optimum, so a gap under one proves optimality.
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        self.highs.setOptionValue("mip_abs_gap", 0.5)
        self.cells = len(sizes)
        for size in sizes:
            self.highs.addVar(0, float(size))
        for column in range(self.cells):
            self.highs.changeColIntegrality(column, highspy.HighsVarType.kInteger)
        self.highs.addRow(
            float(seats), float(seats), self.cells, list(range(self.cells)), [1.0] * self.cells
        )
        row = 1
        for indices, allowed in quota_rows:
            self.highs.addRow(-inf, allowed, len(indices), indices, [1.0] * len(indices))
            row += 1
        self.deviations: list[list[int]] = []
        self.level_rows: list[int] = []
        column = self.cells
        for target in linear:
            mine = []
            for component in target.components:
                indices = list(component.weights)
                values = [component.weights[i] for i in indices]
                # lower - expr <= d  and  expr - upper <= d, each only where bounded.
                self.highs.addVar(0, inf)
                deviation = column
                column += 1
                mine.append(deviation)
                if component.lower > -inf:
                    self.highs.addRow(
                        component.lower,
                        inf,
                        len(indices) + 1,
                        [*indices, deviation],
                        [*values, 1.0],
                    )
                    row += 1
                if component.upper < inf:
                    self.highs.addRow(
                        -inf,
                        component.upper,
                        len(indices) + 1,
                        [*indices, deviation],
                        [*values, -1.0],
                    )
                    row += 1
            self.deviations.append(mine)
            self.highs.addRow(-inf, inf, len(mine), mine, [1.0] * len(mine))
            self.level_rows.append(row)
            row += 1
        self.wished = column
        for cell in range(self.cells):
            self.highs.addVar(0, 0)
            self.highs.addRow(-inf, 0, 2, [column, cell], [1.0, -1.0])
            column += 1
        self.columns = column

    def most_seats(self, seats: int) -> int:
        """How many of the seats the quotas let be filled; the model then fills that many."""
        self.highs.changeRowBounds(0, 0.0, float(seats))
        self.highs.changeColsCost(self.cells, list(range(self.cells)), [-1.0] * self.cells)
        self.highs.run()
        values = self.highs.getSolution().col_value
        most = round(sum(values[i] for i in range(self.cells)))
        self.highs.changeRowBounds(0, float(most), float(most))
        return most

    def bound_cells(self, lower: Sequence[int], upper: Sequence[int]) -> None:
        for i in range(self.cells):
            self.highs.changeColBounds(i, float(lower[i]), float(upper[i]))

    def set_level(self, target: int, level: int) -> None:
        self.highs.changeRowBounds(self.level_rows[target], -highspy.kHighsInf, float(level))

    def minimise(
        self, target: int | None, *, wish: Sequence[int] | None = None
    ) -> tuple[list[int], float] | None:
        """A solution (cell counts, objective) or None when there is none: the least
        deviation from ``target``, or as close as it can to the counts it is ``wish``ed."""
        costs = [0.0] * self.columns
        if target is not None:
            for column in self.deviations[target]:
                costs[column] = 1.0
        if wish is not None:
            for cell, count in enumerate(wish):
                self.highs.changeColBounds(self.wished + cell, 0.0, float(count))
                costs[self.wished + cell] = -1.0
        self.highs.changeColsCost(self.columns, list(range(self.columns)), costs)
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        values = self.highs.getSolution().col_value
        counts = [round(values[i]) for i in range(self.cells)]
        return counts, float(self.highs.getInfo().objective_function_value)


# --- the proposal ---------------------------------------------------------------------


def propose(
    applicants: Sequence[Applicant],
    held: Sequence[Applicant],
    capacity: int,
    targets: SelectionTargets,
    seed: int,
    *,
    quotas: Quotas = NO_QUOTAS,
    waitlist_length: int | None = None,
) -> Proposal:
    """Whom to confirm among ``applicants``, with ``held`` already holding seats.

    Deterministic: the same inputs and seed give the same proposal. ``waitlist_length``
    caps the waitlist (None: everyone not selected waits); the rest are not selected.
    ``quotas`` are never exceeded: when they leave seats empty, fewer are filled.
    """
    digest = input_digest(applicants, held, capacity, targets, seed, quotas)
    seats = max(0, min(capacity - len(held), len(applicants)))
    ranked = sorted(applicants, key=lambda a: rank_key(seed, a))
    cell_index: dict[Cell, int] = {}
    for applicant in ranked:
        cell_index.setdefault(cell_of(targets, quotas, applicant), len(cell_index))
    cells = list(cell_index)
    cells_of = [cell_index[cell_of(targets, quotas, a)] for a in ranked]
    sizes = Counter(cells_of)
    fixed = Counter(cell_of(targets, quotas, a) for a in held)
    linear = _linear_targets(targets, cells, fixed)
    rows = _quota_rows(quotas, cells, fixed)
    model = _Model([sizes[i] for i in range(len(cells))], seats, linear, rows)
    if rows and seats:
        seats = model.most_seats(seats)

    witness: list[int] = [0] * len(cells)
    # With no seat to fill there is nothing to choose (and HiGHS finds an empty model).
    if seats:
        for index in range(len(linear)):
            solved = model.minimise(index)
            assert solved is not None, "filling the seats is always possible"
            witness, level = solved
            model.set_level(index, round(level))
        solved = model.minimise(
            None, wish=_wish(ranked, 0, seats, [0] * len(cells), cells_of, set())
        )
        assert solved is not None, "the levels were reached"
        witness = solved[0]

    taken = [0] * len(cells)
    left = [sizes[i] for i in range(len(cells))]
    closed: set[int] = set()
    selected: list[Applicant] = []
    rest: list[Applicant] = []
    for position, applicant in enumerate(ranked):
        i = cells_of[position]
        include = False
        if len(selected) < seats and i not in closed:
            if witness[i] > taken[i]:
                include = True
            else:
                lower = list(taken)
                lower[i] += 1
                model.bound_cells(lower, [taken[j] + left[j] for j in range(len(cells))])
                wanted = seats - len(selected) - 1
                wish = _wish(ranked, position + 1, wanted, lower, cells_of, closed)
                solved = model.minimise(None, wish=wish)
                if solved is None:
                    # Bounds only tighten from here on: this cell can take nobody more.
                    closed.add(i)
                else:
                    witness = solved[0]
                    include = True
        left[i] -= 1
        if include:
            taken[i] += 1
            selected.append(applicant)
        else:
            rest.append(applicant)

    keys = [a.key for a in rest]
    cut = len(keys) if waitlist_length is None else waitlist_length
    return Proposal(
        selected=[a.key for a in selected],
        waitlist=keys[:cut],
        not_selected=keys[cut:],
        results=evaluate(targets, [*held, *selected]),
        seed=seed,
        digest=digest,
    )


def _wish(
    ranked: Sequence[Applicant],
    start: int,
    wanted: int,
    taken: Sequence[int],
    cells_of: Sequence[int],
    closed: set[int],
) -> list[int]:
    """Cell counts if the next ``wanted`` people in rank order were all taken: a witness
    close to this covers the people the walk meets next, so it needs fewer questions.
    (Only a preference: which solution is found never changes who is selected.)"""
    wish = list(taken)
    for position in range(start, len(ranked)):
        if wanted <= 0:
            break
        cell = cells_of[position]
        if cell in closed:
            continue
        wish[cell] += 1
        wanted -= 1
    return wish


def evaluate(targets: SelectionTargets, people: Iterable[Applicant]) -> list[TargetResult]:
    """Every target against a group of people: the counts it looks at, and the seats by
    which the group misses it (0 when it is met)."""
    group = list(people)
    results: list[TargetResult] = []
    parity = targets.gender_parity
    if parity is not None:
        genders = Counter(a.gender_class for a in group)
        women, men, neutral = genders[FEMALE], genders[MALE], genders[NEUTRAL]
        excess = abs(women - men) - 2 * parity.tolerance - neutral
        results.append(
            TargetResult(
                "gender_parity",
                max(0, excess),
                {FEMALE: women, MALE: men, "undisclosed": neutral},
            )
        )
    shares = targets.country_shares
    if shares is not None:
        countries = Counter(a.country for a in group)
        missed = 0
        for country, seats in shares.seats.items():
            number = countries[country]
            missed += max(0, max(0, seats - shares.tolerance) - number)
            missed += max(0, number - seats - shares.tolerance)
        counts = {country: countries[country] for country in sorted(shares.seats)}
        results.append(TargetResult("country_shares", missed, counts))
    bands: defaultdict[int, int] = defaultdict(int)
    for a in group:
        band = targets.band_of(a.age)
        if band is not None:
            bands[band] += 1
    for index, band_target in enumerate(targets.age_bands):
        number = bands[index]
        results.append(
            TargetResult(
                band_target.name, max(0, number - band_target.at_most), {"people": number}
            )
        )
    if targets.first_timers is not None:
        number = sum(1 for a in group if a.first_timer)
        results.append(
            TargetResult(
                "first_timers",
                max(0, targets.first_timers.at_least - number),
                {"people": number},
            )
        )
    return results


def next_promotion(
    targets: SelectionTargets, held: Sequence[Applicant], waiting: Sequence[Applicant]
) -> Applicant | None:
    """Whom a freed seat goes to: the first person in line whose promotion leaves the
    group missing its targets by the fewest seats, target by target in their order."""
    best: Applicant | None = None
    best_misses: list[int] | None = None
    for applicant in waiting:
        misses = [r.missed_by for r in evaluate(targets, [*held, applicant])]
        if best_misses is None or misses < best_misses:
            best, best_misses = applicant, misses
    return best
