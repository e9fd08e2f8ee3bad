"""Synthetic fact bases: realistic brand and device names, several phrasings per fact.

`write_base(root, facts, seed)` writes a knowledge directory that
`bot.facts.yaml_loading.check_knowledge` accepts (every quote is in its source text), and
`questions(...)` draws questions from it:
phrasings with typos, dropped words and other people's wording, with the fact each one should
find, and questions the base cannot answer.
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Bump when the output changes, so that cached bases are regenerated.
GENERATOR_VERSION = 5

REAL_PHONE_MAKERS = (
    "Xiaomi", "Oppo", "Vivo", "Realme", "OnePlus", "Huawei", "Honor", "Samsung", "Motorola",
    "Nokia", "Asus", "Tecno", "Infinix", "Itel", "ZTE", "Nubia", "Meizu", "Lenovo", "HTC",
    "Fairphone", "Poco", "iQOO", "Redmi", "Sharp", "Kyocera", "Doogee", "Ulefone", "Blackview",
    "Oukitel", "Umidigi", "Cubot", "Alcatel", "TCL", "BLU", "Micromax", "Wiko", "Gionee",
    "Coolpad", "Vertu", "Crosscall", "HMD", "Hisense", "Leagoo", "Elephone", "Vsmart",
    "Symphony", "Walton", "Allview", "Fujitsu", "Condor",
)  # fmt: skip
REAL_CAMERA_MAKERS = (
    ("Leica", "Germany"), ("Zeiss", "Germany"), ("Hasselblad", "Sweden"), ("Sony", "Japan"),
    ("Canon", "Japan"), ("Nikon", "Japan"), ("Fujifilm", "Japan"), ("Olympus", "Japan"),
    ("Pentax", "Japan"), ("Panasonic", "Japan"), ("Ricoh", "Japan"), ("Sigma", "Japan"),
    ("Tamron", "Japan"), ("Schneider Kreuznach", "Germany"), ("Rodenstock", "Germany"),
    ("Voigtlander", "Germany"), ("Minolta", "Japan"), ("Kodak", "United States"),
    ("Polaroid", "United States"), ("Phase One", "Denmark"), ("Yashica", "Japan"),
    ("Mamiya", "Japan"), ("Samyang", "Korea"), ("Tokina", "Japan"), ("Angenieux", "France"),
    ("Arri", "Germany"), ("Blackmagic", "Australia"), ("Insta360", "China"),
)  # fmt: skip
PHONE_COUNTRIES = (
    ("Shenzhen", "China"), ("Beijing", "China"), ("Dongguan", "China"), ("Seoul", "Korea"),
    ("Taipei", "Taiwan"), ("Espoo", "Finland"), ("Tokyo", "Japan"), ("Bangalore", "India"),
    ("Helsinki", "Finland"), ("Paris", "France"), ("Milan", "Italy"), ("Zurich", "Switzerland"),
)  # fmt: skip
SERIES = (
    "Nova", "Mate", "Find", "Reno", "Edge", "Spark", "Neo", "Ace", "Axon", "Blade", "Camon",
    "Pova", "Phantom", "Volt", "Aura", "Nex", "Flip", "Fold", "Velvet", "Luna", "Terra",
    "Orbit", "Pulse", "Vista", "Swift", "Blaze", "Storm", "Echo", "Halo", "Nimbus", "Zenith",
    "Quantum", "Astra", "Vega", "Nord", "Magic", "Civi", "Hot", "Zero", "Pixel", "Xperia",
    "Razr", "Moto", "Galaxy", "Note", "Curve", "Prism", "Lumen", "Stellar", "Comet",
)  # fmt: skip
SUFFIXES = ("", "", " Pro", " Pro", " Ultra", " Lite", " Plus", " Max", " Mini", " 5G")
SENSORS = (
    "Sony IMX989", "Sony IMX866", "Sony LYT-900", "Samsung ISOCELL HP2", "Samsung GN2",
    "OmniVision OV50H", "Sony IMX800", "Samsung ISOCELL HP3", "OmniVision OV64B", "Sony IMX707",
)  # fmt: skip
CHIPS = (
    "Snapdragon 8 Gen 3", "Snapdragon 8 Gen 2", "Dimensity 9300", "Dimensity 9200",
    "Snapdragon 7 Gen 3", "Exynos 2400", "Tensor G3", "Kirin 9000S", "Dimensity 8300",
    "Snapdragon 8s Gen 3",
)  # fmt: skip
STYLES = ("Vivid", "Authentic", "Natural", "Classic", "Monochrome", "Cinematic", "Portrait")
FIRST_NAMES = (
    "Lei", "Mei", "Jun", "Anna", "Lars", "Sofia", "Kenji", "Yuki", "Priya", "Arjun", "Elena",
    "Marco", "Ines", "Tomas", "Hana", "Min", "Ravi", "Clara", "Jonas", "Aiko", "Wei", "Nora",
)  # fmt: skip
LAST_NAMES = (
    "Zhang", "Wang", "Chen", "Kim", "Park", "Sato", "Tanaka", "Lindqvist", "Berg", "Rossi",
    "Moreau", "Schmidt", "Novak", "Sharma", "Patel", "Ito", "Lee", "Fischer", "Costa", "Ng",
)  # fmt: skip
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
SYLLABLES_START = (
    "Zen", "Lu", "Ka", "Vo", "No", "Tri", "Xe", "Or", "Ve", "Qua", "Sol", "Ar", "Ky", "Pha",
    "Elo", "Ro", "Ta", "Bri", "Cy", "Da", "Fe", "Gal", "Hy", "Ix", "Jo", "Mar", "Ny", "Pri",
    "Sy", "Tor", "Ul", "Vi", "Wy", "Zy", "Al", "Bel", "Cor", "Dra", "Fla",
)  # fmt: skip
SYLLABLES_END = (
    "trix", "mora", "vio", "lex", "nix", "rava", "tek", "via", "ron", "phon", "lyx", "tion",
    "zo", "nova", "dex", "ria", "tus", "lon", "vex", "mi", "ko", "ra", "ven", "tor", "gon",
)  # fmt: skip
CAMERA_END = ("Optics", "Imaging", "Optik", "Lens Works", "Photonics")
# Question kinds the base never answers, for abstention.
MISSING_KINDS = (
    "Is the {d} waterproof?",
    "What is the screen size of the {d}?",
    "How heavy is the {d}?",
    "Does the {d} support wireless charging?",
    "What is the refresh rate of the {d} display?",
)
OFF_TOPIC = (
    "What is the capital of France?",
    "Who won the football world cup?",
    "How do I bake sourdough bread?",
    "What time is it in Tokyo?",
    "Recommend a good laptop for gaming",
)

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A record id from a name: lower-case words joined by '-'."""
    return _SLUG.sub("-", text.lower()).strip("-")


@dataclass
class Device:
    name: str
    camera: str  # camera maker id
    aliases: list[str] = field(default_factory=list)


@dataclass
class Maker:
    id: str
    name: str
    kind: str
    country: str
    city: str = ""
    aliases: list[str] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)


@dataclass
class FactRecord:
    id: str
    question: str
    phrasings: list[str]
    answer: str
    quote: str
    brands: list[str]
    group: str  # the source it is quoted from is written per group


@dataclass
class Base:
    """A generated fact base, before it is written."""

    makers: dict[str, Maker]
    partnerships: list[dict]
    facts: list[FactRecord]


def _invented_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    from bot.engine.words import STOPWORDS, canonical

    names: list[str] = []
    attempts = 0
    while len(names) < count:
        attempts += 1
        name = rng.choice(SYLLABLES_START) + rng.choice(SYLLABLES_END)
        if attempts > 200 * count:
            name += rng.choice(SYLLABLES_END)
        key = name.lower()
        if key in taken or key in STOPWORDS or canonical(key) in STOPWORDS:
            continue
        taken.add(key)
        names.append(name)
    return names


def plan(facts: int, seed: int = 1) -> Base:
    """The makers, partnerships and facts of a base with `facts` facts."""
    rng = random.Random(seed)
    phone_count = max(6, round(facts / 240))
    camera_count = max(4, min(120, phone_count // 4 + 4))
    per_device = 9
    per_phone = 3 + 3 * 1.5
    devices_per_phone = max(2, math.ceil((facts / phone_count - per_phone) / per_device) + 1)

    taken = {name.lower() for name in REAL_PHONE_MAKERS}
    taken |= {name.lower() for name, _ in REAL_CAMERA_MAKERS}
    taken |= {series.lower() for series in SERIES}
    phone_names = list(REAL_PHONE_MAKERS[:phone_count])
    phone_names += _invented_names(rng, phone_count - len(phone_names), taken)
    camera_pairs = list(REAL_CAMERA_MAKERS[:camera_count])
    for name in _invented_names(rng, camera_count - len(camera_pairs), taken):
        camera_pairs.append((f"{name} {rng.choice(CAMERA_END)}", rng.choice(PHONE_COUNTRIES)[1]))

    makers: dict[str, Maker] = {}
    cameras: list[Maker] = []
    for name, country in camera_pairs:
        maker = Maker(slug(name), name, "camera_maker", country)
        if " " in name and rng.random() < 0.5:
            maker.aliases.append(name.split()[0] + " " + name.split()[1][:3])
        makers[maker.id] = maker
        cameras.append(maker)
    series_owner: dict[str, str] = {}
    partnerships: list[dict] = []
    for name in phone_names:
        city, country = rng.choice(PHONE_COUNTRIES)
        maker = Maker(slug(name), name, "phone_maker", country, city)
        if rng.random() < 0.15:
            maker.aliases.append(
                name[: max(3, len(name) - 1)] + name[-1] * 2
            )  # a common misspelling
        maker.partners = [c.id for c in rng.sample(cameras, rng.choice((1, 1, 2, 2, 3)))]
        series = rng.sample(SERIES, 4)
        seen: set[str] = set()
        while len(maker.devices) < devices_per_phone:
            serie = rng.choice(series)
            device = f"{name} {serie} {rng.randint(2, 60)}{rng.choice(SUFFIXES)}"
            if device in seen:
                continue
            seen.add(device)
            entry = Device(device, rng.choice(maker.partners))
            short = device[len(name) + 1 :]
            owner = series_owner.setdefault(serie, maker.id)
            if owner == maker.id and rng.random() < 0.3:
                entry.aliases.append(short)
            maker.devices.append(entry)
        makers[maker.id] = maker
        for camera_id in maker.partners:
            year = rng.randint(2016, 2024)
            status = rng.choice(("active", "active", "active", "announced", "ended"))
            partnerships.append(
                {
                    "id": f"{maker.id}-{camera_id}",
                    "phone_maker": maker.id,
                    "camera_maker": camera_id,
                    "status": status,
                    "year": year,
                    "month": rng.choice(MONTHS),
                }
            )
    fact_list = list(_facts(rng, makers, partnerships))
    rng.shuffle(fact_list)
    kept = fact_list[:facts]
    if len(kept) < facts:
        raise ValueError(f"only {len(kept)} facts could be planned, {facts} asked")
    kept.sort(key=lambda f: (f.group, f.id))
    return Base(makers, partnerships, kept)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _facts(
    rng: random.Random, makers: dict[str, Maker], partnerships: list[dict]
) -> Iterator[FactRecord]:
    for maker in makers.values():
        b = maker.name
        if maker.kind == "camera_maker":
            yield FactRecord(
                f"{maker.id}-country",
                f"Where is {b} based?",
                [f"Which country is {b} from?", f"Is {b} a {maker.country} company?",
                 f"{b} headquarters"],
                f"{b} is a camera maker based in {maker.country}.",
                f"{b}, the camera maker based in {maker.country},",
                [maker.id],
                maker.id,
            )  # fmt: skip
            founder, year = _person(rng), rng.randint(1850, 2015)
            yield FactRecord(
                f"{maker.id}-founder",
                f"Who founded {b}?",
                [f"Who started {b}?", f"When was {b} founded?", f"{b} founder"],
                f"{b} was founded by {founder} in {year}.",
                f"{b} was founded by {founder} in {year}.",
                [maker.id],
                maker.id,
            )
            continue
        group = maker.id
        person = _person(rng)
        yield FactRecord(
            f"{maker.id}-headquarters",
            f"Where is {b} headquartered?",
            [f"Which country is {b} from?", f"Where is {b} based?", f"{b} headquarters"],
            f"{b} is headquartered in {maker.city}, {maker.country}.",
            f"{b}, headquartered in {maker.city}, {maker.country},",
            [maker.id],
            group,
        )
        yield FactRecord(
            f"{maker.id}-imaging-lead",
            f"Who leads imaging at {b}?",
            [f"Who is the head of imaging at {b}?", f"Who runs the {b} camera team?",
             f"{b} imaging chief"],
            f"{person} leads the imaging team at {b}.",
            f"{person}, who leads the imaging team at {b},",
            [maker.id],
            group,
        )  # fmt: skip
        yield FactRecord(
            f"{maker.id}-camera-strategy",
            f"Why does {b} work with camera makers?",
            [
                f"What does {b} gain from camera partnerships?",
                f"Why did {b} pick a camera partner?",
            ],
            f"{b} says camera partners help it compete on photo quality in premium phones.",
            f"camera partners help {b} compete on photo quality in premium phones",
            [maker.id],
            group,
        )
        for p in partnerships:
            if p["phone_maker"] != maker.id:
                continue
            c = makers[p["camera_maker"]].name
            cid = p["camera_maker"]
            years = 2025 - p["year"]
            yield FactRecord(
                f"{maker.id}-{cid}-start",
                f"When did {b} and {c} start working together?",
                [f"When did {b} partner with {c}?", f"Since when does {c} work with {b}?",
                 f"{b} {c} partnership start"],
                f"{b} announced its partnership with {c} in {p['month']} {p['year']}.",
                f"{b} announced its partnership with {c} in {p['month']} {p['year']}.",
                [maker.id, cid],
                group,
            )  # fmt: skip
            yield FactRecord(
                f"{maker.id}-{cid}-length",
                f"How long have {b} and {c} worked together?",
                [f"How many years has {b} worked with {c}?",
                 f"For how long has {c} been {b}'s partner?"],
                f"{b} has worked with {c} for {years} years.",
                f"{b} has worked with {c} for {years} years",
                [maker.id, cid],
                group,
            )  # fmt: skip
            yield FactRecord(
                f"{maker.id}-{cid}-scope",
                f"What does the {b} {c} partnership cover?",
                [f"What do {b} and {c} work on together?",
                 f"What is {c} doing for {b}?", f"{b} {c} collaboration details"],
                f"The {b} and {c} partnership covers lens design, colour science and "
                "imaging software.",
                f"The partnership covers lens design, colour science and imaging software for {b}",
                [maker.id, cid],
                group,
            )  # fmt: skip
        for device in maker.devices:
            yield from _device_facts(rng, maker, makers[device.camera], device)


def _device_facts(
    rng: random.Random, maker: Maker, camera: Maker, device: Device
) -> Iterator[FactRecord]:
    d, c, key, brands = device.name, camera.name, slug(device.name), [maker.id, camera.id]
    group = maker.id
    month, year = rng.choice(MONTHS), rng.randint(2019, 2025)
    yield FactRecord(
        f"{key}-launch",
        f"When will the {d} launch?",
        [f"When does the {d} come out?", f"{d} release date", f"When is the {d} released?"],
        f"The {d} launches in {month} {year}.",
        f"The {d} is set to launch in {month} {year}.",
        brands[:1],
        group,
    )
    yield FactRecord(
        f"{key}-camera-partner",
        f"Which camera maker worked on the {d}?",
        [f"Who made the cameras of the {d}?", f"Does the {d} have {c} cameras?",
         f"{d} camera partner"],
        f"The {d} cameras are co-engineered with {c}.",
        f"the {d} features cameras co-engineered with {c}",
        brands,
        group,
    )  # fmt: skip
    megapixels, sensor = rng.choice((48, 50, 64, 108, 200)), rng.choice(SENSORS)
    yield FactRecord(
        f"{key}-sensor",
        f"What main sensor does the {d} use?",
        [f"Which camera sensor is in the {d}?", f"{d} main camera sensor",
         f"How many megapixels does the {d} main camera have?"],
        f"The {d} uses a {megapixels} megapixel {sensor} main sensor.",
        f"a {megapixels} megapixel {sensor} main sensor in the {d}",
        brands[:1],
        group,
    )  # fmt: skip
    price = rng.randrange(199, 1999, 50)
    yield FactRecord(
        f"{key}-price",
        f"How much does the {d} cost?",
        [f"What is the price of the {d}?", f"{d} price", f"How expensive is the {d}?"],
        f"The {d} costs {price} euros at launch.",
        f"The {d} costs {price} euros",
        brands[:1],
        group,
    )
    zoom = rng.choice((2, 3, 3.5, 5, 6, 10))
    yield FactRecord(
        f"{key}-zoom",
        f"How far can the {d} zoom?",
        [f"Does the {d} have a periscope lens?", f"{d} optical zoom",
         f"What zoom does the {d} camera offer?"],
        f"The {d} has a {zoom}x optical zoom with a periscope lens.",
        f"a {zoom}x optical zoom with a periscope lens on the {d}",
        brands[:1],
        group,
    )  # fmt: skip
    battery = rng.randrange(4000, 6500, 100)
    yield FactRecord(
        f"{key}-battery",
        f"How big is the {d} battery?",
        [f"What battery capacity does the {d} have?", f"{d} battery size",
         f"How many mAh is the {d} battery?"],
        f"The {d} has a {battery} mAh battery.",
        f"The {d} packs a {battery} mAh battery",
        brands[:1],
        group,
    )  # fmt: skip
    resolution, fps = rng.choice(("4K", "8K")), rng.choice((30, 60, 120))
    yield FactRecord(
        f"{key}-video",
        f"What video can the {d} record?",
        [f"Can the {d} film in {resolution}?", f"{d} video recording",
         f"What is the maximum video resolution of the {d}?"],
        f"The {d} records video at up to {resolution} at {fps} frames per second.",
        f"the {d} records video at up to {resolution} at {fps} frames per second",
        brands[:1],
        group,
    )  # fmt: skip
    first, second = rng.sample(STYLES, 2)
    yield FactRecord(
        f"{key}-colour",
        f"What colour profiles did {c} tune for the {d}?",
        [f"Which {c} colour modes does the {d} have?", f"{d} {c} colour science",
         f"Does the {d} have {c} colour profiles?"],
        f"The {d} offers {c} {first} and {c} {second} colour profiles.",
        f"{c} {first} and {c} {second} colour profiles on the {d}",
        brands,
        group,
    )  # fmt: skip
    chip = rng.choice(CHIPS)
    yield FactRecord(
        f"{key}-chip",
        f"Which chip powers the {d}?",
        [f"What processor does the {d} use?", f"{d} chipset", f"What SoC is in the {d}?"],
        f"The {d} runs on the {chip} chip.",
        f"The {d} runs on the {chip} chip",
        brands[:1],
        group,
    )


# Writing


def _y(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def write_base(
    root: Path,
    facts: int,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Base:
    """Write a knowledge directory with `facts` facts under `root` (created or overwritten)."""
    say = progress or (lambda _message: None)
    say(f"planning {facts:,} facts")
    base = plan(facts, seed)
    rng = random.Random(seed + 1)
    (root / "facts").mkdir(parents=True, exist_ok=True)
    (root / "sources").mkdir(parents=True, exist_ok=True)
    for stale in (root / "facts").glob("*.yaml"):
        stale.unlink()
    for stale in (root / "sources").glob("*.txt"):
        stale.unlink()

    by_group: dict[str, list[FactRecord]] = {}
    for fact in base.facts:
        by_group.setdefault(fact.group, []).append(fact)
    partnership_quotes = {
        p["id"]: f"{base.makers[p['phone_maker']].name} has a partnership with "
        f"{base.makers[p['camera_maker']].name} for its cameras since {p['month']} {p['year']}."
        for p in base.partnerships
    }
    source_lines: list[str] = []
    source_of: dict[str, str] = {}  # fact id or partnership id -> source id
    chunk = 40
    groups = sorted(set(by_group) | {p["phone_maker"] for p in base.partnerships})
    for number, group in enumerate(groups, start=1):
        if number % 50 == 0 or number == len(groups):
            say(f"writing sources {number:,}/{len(groups):,}")
        facts_here = by_group.get(group, [])
        quotes = [p for p in base.partnerships if p["phone_maker"] == group]
        pieces = [facts_here[i : i + chunk] for i in range(0, max(1, len(facts_here)), chunk)]
        for part, piece in enumerate(pieces, start=1):
            source_id = f"{group}-{part}"
            name = base.makers[group].name
            title = f"{name} camera news, part {part} (synthetic benchmark article)"
            date = f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            sentences = [f"{title}.", ""]
            if part == 1:
                for p in quotes:
                    sentences.append(partnership_quotes[p["id"]])
                    source_of[p["id"]] = source_id
            for fact in piece:
                quote = fact.quote
                lead = "According to people familiar with the plans, " if quote[0].islower() else ""
                sentences.append(f"{lead}{quote}.")
                source_of[fact.id] = source_id
            (root / "sources" / f"{source_id}.txt").write_text("\n".join(sentences) + "\n")
            source_lines += [
                f"- id: {source_id}",
                f"  title: {_y(title)}",
                f'  date: "{date}"',
                '  url: ""',
                f"  file: sources/{source_id}.txt",
            ]
    (root / "sources.yaml").write_text("\n".join(source_lines) + "\n")

    brand_lines: list[str] = []
    for maker in base.makers.values():
        brand_lines += [
            f"- id: {maker.id}",
            f"  name: {_y(maker.name)}",
            f"  kind: {maker.kind}",
            f"  country: {_y(maker.country)}",
        ]
        if maker.aliases:
            brand_lines.append("  aliases:")
            brand_lines += [f"  - {_y(alias)}" for alias in maker.aliases]
        if maker.devices:
            brand_lines.append("  devices:")
            for device in maker.devices:
                brand_lines.append(f"  - name: {_y(device.name)}")
                if device.aliases:
                    brand_lines.append("    aliases:")
                    brand_lines += [f"    - {_y(alias)}" for alias in device.aliases]
    (root / "brands.yaml").write_text("\n".join(brand_lines) + "\n")

    partnership_lines: list[str] = []
    for p in base.partnerships:
        maker = base.makers[p["phone_maker"]]
        devices = [d.name for d in maker.devices if d.camera == p["camera_maker"]][:5]
        period = f"Since {p['month']} {p['year']}"
        partnership_lines += [
            f"- id: {p['id']}",
            f"  phone_maker: {p['phone_maker']}",
            f"  camera_maker: {p['camera_maker']}",
            f"  status: {p['status']}",
            f"  period: {_y(period)}",
        ]
        if devices:
            partnership_lines.append("  devices:")
            partnership_lines += [f"  - {_y(d)}" for d in devices]
        partnership_lines += [
            "  citations:",
            f"  - source: {source_of[p['id']]}",
            f"    quote: {_y(partnership_quotes[p['id']])}",
        ]
    (root / "partnerships.yaml").write_text("\n".join(partnership_lines) + "\n")

    written = 0
    for group, facts_here in sorted(by_group.items()):
        lines: list[str] = []
        for fact in facts_here:
            lines += [
                f"- id: {fact.id}",
                f"  question: {_y(fact.question)}",
                "  phrasings:",
                *(f"  - {_y(p)}" for p in fact.phrasings),
                f"  answer: {_y(fact.answer)}",
                "  brands:",
                *(f"  - {b}" for b in fact.brands),
                "  citations:",
                f"  - source: {source_of[fact.id]}",
                f"    quote: {_y(fact.quote)}",
            ]
        (root / "facts" / f"{group}.yaml").write_text("\n".join(lines) + "\n")
        written += len(facts_here)
        if len(by_group) > 20 and written // 10_000 != (written - len(facts_here)) // 10_000:
            say(f"writing facts {written:,}/{len(base.facts):,}")
    return base


# Questions


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    letters = "abcdefghijklmnopqrstuvwxyz"
    return word[:i] + rng.choice(letters) + word[i + 1 :]


# Other people's words for the generator's: each is taken half of the time.
PARAPHRASES = (
    ("will the", ("is the",)),
    ("launch", ("release", "come out", "debut", "arrive")),
    ("come out", ("launch", "be released", "hit stores")),
    ("release date", ("launch date", "launch")),
    ("cost", ("sell for", "retail for")),
    ("price", ("cost", "pricing", "price tag")),
    ("camera maker", ("camera brand", "camera company", "optics partner")),
    ("worked on", ("helped with", "designed", "tuned")),
    ("main sensor", ("primary sensor", "main camera sensor")),
    ("does the", ("do the",)),
    ("big", ("large",)),
    ("headquartered", ("based",)),
    ("founded", ("started", "created")),
    ("partnership", ("collaboration", "deal", "tie-up")),
    ("worked together", ("collaborated", "partnered")),
    ("work together", ("collaborate", "team up")),
    ("record", ("shoot", "film")),
    ("chip", ("processor", "chipset", "SoC")),
    ("powers", ("runs", "is inside")),
    ("leads", ("heads", "runs")),
    ("colour", ("color",)),
    ("What is the", ("What's the", "Whats the")),
)


def _paraphrase(rng: random.Random, text: str) -> str:
    for phrase, others in PARAPHRASES:
        if phrase in text and rng.random() < 0.5:
            text = text.replace(phrase, rng.choice(others), 1)
    if rng.random() < 0.3:
        text = text.replace(" the ", " ", 1)
    return text


def _roughen(rng: random.Random, text: str) -> str:
    """A question as people type it: their own words, lower case, a typo or two."""
    words = _paraphrase(rng, text).rstrip("?").split()
    if rng.random() < 0.5:
        words = [w.lower() for w in words]
    typos = rng.choice((0, 1, 1, 1, 2))
    for _ in range(typos):
        candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if candidates:
            i = rng.choice(candidates)
            words[i] = _typo(rng, words[i])
    result = " ".join(words)
    return result + "?" if rng.random() < 0.4 else result


@dataclass(frozen=True)
class Question:
    text: str
    expected: str | None  # the fact id, or None when the base has no answer
    vague: bool = False  # keywords or a question about no device: many facts fit it


# What people type without saying which phone: the words every device's facts share.
VAGUE_KEYWORDS = (
    "camera", "price", "zoom", "sensor", "battery", "chip", "launch", "video", "colour profiles",
    "camera partner", "megapixels", "release date", "periscope lens", "processor", "pro",
    "ultra", "5g", "cost", "main sensor", "optical zoom", "colour science", "mAh", "4K",
)  # fmt: skip
VAGUE_QUESTIONS = (
    "price?", "when will it launch?", "how much does it cost?", "which camera maker worked on it?",
    "what zoom does it have", "who made the cameras?", "how big is the battery?", "what chip?",
    "camera partner colour profiles zoom", "when does it come out", "is the camera good?",
    "what sensor does it use", "can it film in 4K?", "which phone has the best camera?",
    "what colour profiles are there", "release date", "when?", "how many megapixels?",
)  # fmt: skip


def _vague(rng: random.Random, base: Base) -> str:
    """A vague or keyword-only question: keywords, a question about no device, a bare brand."""
    roll = rng.random()
    if roll < 0.4:
        text = rng.choice(VAGUE_QUESTIONS)
    elif roll < 0.8:
        text = " ".join(rng.sample(VAGUE_KEYWORDS, rng.randint(1, 4)))
    else:
        maker = rng.choice(list(base.makers.values()))
        text = f"{maker.name} {rng.choice(VAGUE_KEYWORDS)}"
    return _roughen(rng, text) if rng.random() < 0.3 else text


def with_vague(base: Base, questions: list[Question], every: int, seed: int) -> list[Question]:
    """The questions with a vague one in place of every `every`-th (at least 1 in `every`)."""
    rng = random.Random(seed)
    return [
        Question(_vague(rng, base), None, vague=True) if number % every == every - 1 else question
        for number, question in enumerate(questions)
    ]


def questions(base: Base, count: int, seed: int = 7) -> list[Question]:
    """Questions on a base: most from a fact's phrasing (roughened), some it cannot answer."""
    rng = random.Random(seed)
    devices = [d for m in base.makers.values() for d in m.devices]
    out: list[Question] = []
    while len(out) < count:
        roll = rng.random()
        if roll < 0.85:
            fact = rng.choice(base.facts)
            text = rng.choice([fact.question, *fact.phrasings])
            out.append(Question(_roughen(rng, text), fact.id))
        elif roll < 0.95 and devices:
            device = rng.choice(devices)
            out.append(
                Question(_roughen(rng, rng.choice(MISSING_KINDS).format(d=device.name)), None)
            )
        else:
            out.append(Question(rng.choice(OFF_TOPIC), None))
    return out


def brand_prefixes(base: Base, count: int, seed: int = 11) -> list[Question]:
    """What people type into a brand option (a prefix, sometimes a typo), and the brand meant."""
    rng = random.Random(seed)
    makers = list(base.makers.values())
    out = []
    for _ in range(count):
        maker = rng.choice(makers)
        name = maker.name
        text = name[: rng.randint(1, len(name))]
        if rng.random() < 0.3:
            text = _typo(rng, name)
        out.append(Question(text.lower() if rng.random() < 0.5 else text, maker.id))
    return out


def fact_prefixes(base: Base, count: int, seed: int = 13) -> list[Question]:
    """What moderators type into a fact-id option (an id prefix or words of the question)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        fact = rng.choice(base.facts)
        if rng.random() < 0.5:
            text = fact.id[: rng.randint(max(1, len(fact.id) // 2), len(fact.id))]
        else:
            words = fact.question.rstrip("?").split()
            start = rng.randrange(max(1, len(words) - 3))
            piece = " ".join(words[start : start + rng.randint(3, 6)])
            text = _roughen(rng, piece) if rng.random() < 0.3 else piece.lower()
        out.append(Question(text, fact.id))
    return out


def main() -> None:
    """Write one base: python -m benchmarks.synth DIR FACTS."""
    root, facts = Path(sys.argv[1]), int(sys.argv[2])
    write_base(root, facts, progress=lambda m: print(m, file=sys.stderr))


if __name__ == "__main__":
    main()
