"""``ipstrong synth``: a deterministic, realistic Jiangsu patent data set in the formats real sources have.

Rows are generated in chunks as NumPy/Arrow column arrays (no per-row Python), so memory stays bounded at any size;
the chunk's random stream depends only on the seed and the chunk number, and running counters (serial and
publication numbers) carry over between chunks, so a seed always gives the same files. Applicant names and their
messy address variants are drawn once per applicant from a pool, as real exports repeat them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ipstrong.messages import InvalidOption, IpsError, Msg
from ipstrong.reference.regions import JIANGSU, regions
from ipstrong.synth import calibration as cal
from ipstrong.synth import vocab

TYPES = ("invention", "utility_model", "design")
TYPE_DIGITS = np.array([1, 2, 3])
PCT_DIGITS = np.array([8, 9, 3])
NEW_NUMBERS_FROM = np.datetime64("2003-10-01")
XLSX_MAX_ROWS = 1_048_575
PATENT_HEADERS = [
    "申请号",
    "申请日",
    "公开（公告）号",
    "公开（公告）日",
    "授权公告日",
    "名称",
    "摘要",
    "申请（专利权）人",
    "发明（设计）人",
    "地址",
    "主分类号",
    "分类号",
    "专利类型",
    "法律状态",
    "失效日",
    "同族国家",
    "代理机构",
    "代理人",
    "优先权",
    "权利要求数",
]
EVENT_HEADERS = ["申请号", "事件类型", "事件日期", "转出方", "转入方", "金额（万元）"]
TRADEMARK_HEADERS = ["注册号", "商标名称", "国际分类", "注册人", "注册人地址", "申请日", "注册日", "专用权期限至", "商标状态"]
SUBGROUPS = np.array(
    [
        "00",
        "02",
        "04",
        "06",
        "08",
        "10",
        "12",
        "14",
        "16",
        "18",
        "20",
        "22",
        "24",
        "26",
        "28",
        "30",
        "32",
        "36",
        "40",
        "44",
        "48",
        "52",
        "56",
        "60",
        "0525",
        "0565",
        "0585",
    ]
)


# the first three digits of a nine-digit publication number by type (invention A, utility model U, design S) and year
# of publication, 2007 onwards: for inventions and utility models 2007–2022 the most frequent prefix of each year
# among the 4,483 real publications of ../shared/data/cn-patent-db-exports (Patentics, augmented reality), later
# years carried on at the last years' pace; designs approximate (no real set of them here)
PREFIX_LAST = 2026
PUBLICATION_PREFIX = np.array(
    [
        [101, 101, 101, 101, 102, 102, 103, 103, 104, 105, 106, 108, 109, 111, 113, 114, 116, 118, 120, 121],
        [200, 201, 201, 201, 201, 202, 203, 203, 204, 205, 206, 207, 209, 210, 212, 216, 219, 221, 223, 225],
        [300, 300, 301, 301, 301, 302, 302, 303, 303, 303, 304, 304, 305, 305, 306, 307, 308, 309, 310, 311],
    ],
    dtype=np.int64,
)


@dataclass
class SynthConfig:
    """What to generate."""

    patents: int
    seed: int = 42
    until: dt.date = dt.date(2024, 12, 31)
    fmt: str = "csv"
    broken_share: float = 0.01
    chunk_size: int = 200_000


@dataclass
class SynthSummary:
    """What was written, and the calibration figure scaled to full size."""

    patents: int = 0
    events: int = 0
    trademarks: int = 0
    broken_rows: int = 0
    duplicate_rows: int = 0
    files: list[str] = field(default_factory=list)
    effective_inventions_2021_jiangsu: int = 0
    effective_inventions_2021_full_scale: int = 0
    target_full_scale: int = cal.TARGET_EFFECTIVE_INVENTIONS_2021


# --- applicant pools --------------------------------------------------------------------------------------------
@dataclass
class Pool:
    """Applicants of one city: names, types and address variants (index 3 = with an abolished district name)."""

    names: pa.Array
    addresses: list[pa.Array]
    old_name_until: np.ndarray  # year before which the abolished-name variant fits (0 = none)


def _districts_by_city() -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for r in regions():
        if r.level in ("district", "zone") and r.province_code == JIANGSU and r.status == "current":
            out.setdefault(r.city_code, []).append(r)
    return out


def _old_names() -> dict[str, tuple[str, int]]:
    """Current district code -> (an abolished name it replaced, year of the change)."""
    out: dict[str, tuple[str, int]] = {}
    for r in regions():
        if r.status == "abolished" and r.level == "district" and r.basis.startswith("changed "):
            out.setdefault(r.successor, (r.name, int(r.basis.split()[1])))
    return out


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def build_pools(rng: np.random.Generator, size_per_city: int) -> dict[str, Pool]:
    """Enterprise applicants per Jiangsu city with messy address variants."""
    by_city = _districts_by_city()
    old = _old_names()
    cities = {r.code: r.name for r in regions() if r.level == "city" and r.province_code == JIANGSU and r.status == "current"}
    pools: dict[str, Pool] = {}
    for city_code, city_name in sorted(cities.items()):
        districts = by_city[city_code]
        short_city = city_name.removesuffix("市")
        names, variants, old_until = [], [[], [], [], []], []
        for i in range(size_per_city):
            a, b = vocab.BRAND_A[rng.integers(len(vocab.BRAND_A))], vocab.BRAND_B[rng.integers(len(vocab.BRAND_B))]
            industry = vocab.INDUSTRY[rng.integers(len(vocab.INDUSTRY))]
            suffix = vocab.COMPANY_SUFFIX[rng.integers(len(vocab.COMPANY_SUFFIX))]
            names.append(f"{short_city}{a}{b}{industry}{suffix}" if i % 3 else f"江苏{a}{b}{industry}{suffix}")
            d = districts[rng.integers(len(districts))]
            street = vocab.STREETS[rng.integers(len(vocab.STREETS))]
            number = int(rng.integers(1, 999))
            place = f"{street}{number}号"
            variants[0].append(f"江苏省{city_name}{d.name}{place}")
            variants[1].append(f"{city_name}{d.name}{place}" if d.level != "zone" else f"{d.name}{place}")
            variants[2].append(f"{int(rng.integers(210000, 226000))} 江苏{short_city}{d.name} {_fullwidth(place)}")
            if d.code in old:
                variants[3].append(f"江苏省{city_name}{old[d.code][0]}{place}")
                old_until.append(old[d.code][1])
            else:
                variants[3].append(variants[0][-1])
                old_until.append(0)
        pools[city_code] = Pool(pa.array(names), [pa.array(v) for v in variants], np.array(old_until))
    return pools


# --- numbers ----------------------------------------------------------------------------------------------------
def check_digits(body: np.ndarray, width: int) -> np.ndarray:
    """Check digits (0-10, 10 meaning X) of integer application-number bodies of ``width`` digits."""
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5][:width] if width == 12 else list(range(2, 10))
    total = np.zeros(len(body), dtype=np.int64)
    rest = body.copy()
    for w in reversed(weights):
        total += (rest % 10) * w
        rest //= 10
    return total % 11


def _group_rank(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rank of each element within its key (0-based), the distinct keys and their counts."""
    order = np.argsort(keys, kind="stable")
    uniq, start, counts = np.unique(keys[order], return_index=True, return_counts=True)
    rank_sorted = np.arange(len(keys)) - np.repeat(start, counts)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = rank_sorted
    return rank, uniq, counts


def _take(values: tuple[str, ...] | list[str] | np.ndarray, idx: np.ndarray) -> pa.Array:
    return pa.array(list(values) if not isinstance(values, np.ndarray) else values).take(pa.array(idx))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _date_strings(days: np.ndarray, valid: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """Dates as text, mostly ISO, some 2021.03.04 / 20210304 / 2021/3/4 as exports mix them; empty where invalid."""
    ts = pa.array(days.astype("datetime64[D]"), pa.date32())
    iso = pc.strftime(pc.cast(ts, pa.timestamp("s")), format="%Y-%m-%d")
    style = rng.integers(0, 20, len(days))
    dotted = pc.replace_substring(iso, "-", ".")
    compact = pc.replace_substring(iso, "-", "")
    y = pc.utf8_slice_codeunits(iso, 0, 4)
    m = pc.cast(pc.cast(pc.utf8_slice_codeunits(iso, 5, 7), pa.int32()), pa.string())
    d = pc.cast(pc.cast(pc.utf8_slice_codeunits(iso, 8, 10), pa.int32()), pa.string())
    slashed = pc.binary_join_element_wise(y, m, d, "/")
    out = pc.if_else(pa.array(style == 17), dotted, iso)
    out = pc.if_else(pa.array(style == 18), compact, out)
    out = pc.if_else(pa.array(style == 19), slashed, out)
    return pc.if_else(pa.array(valid), out, pa.scalar(None, pa.string()))


# --- the generator ----------------------------------------------------------------------------------------------
class Generator:
    """Holds the cross-chunk state: counters, pools and the cumulative summary."""

    def __init__(self, cfg: SynthConfig):
        self.cfg = cfg
        self.until = np.datetime64(cfg.until.isoformat())
        self.years = np.arange(1985, cfg.until.year + 1)
        weights = np.array([cal.interpolate(cal.VOLUME_ANCHORS, int(y)) for y in self.years])
        self.year_p = weights / weights.sum()
        self.type_cum = np.cumsum([cal.type_shares(int(y)) for y in self.years], axis=1)
        self.city_codes = np.array(sorted(cal.CITY_WEIGHTS))
        cw = np.array([cal.CITY_WEIGHTS[c] for c in self.city_codes], dtype=float)
        self.city_p = cw / cw.sum()
        pool_size = int(min(40_000, max(50, cfg.patents // 40)))
        self.pools = build_pools(np.random.default_rng([cfg.seed, 999_999]), pool_size)
        self.serial: dict[int, int] = {}
        self.pub_counter: dict[tuple[int, int], int] = {}  # (type, publication prefix) -> last serial used
        self.summary = SynthSummary()
        self.effective_2021 = 0
        names = {r.code: r.name for r in regions()}
        self.city_short_names = [names[c].removesuffix("市") for c in self.city_codes]
        # main groups of each field, padded by repetition into one array: groups[field, k]
        widest = max(len(f[1]) for f in vocab.FIELDS)
        self.field_groups = np.array([[f[1][k % len(f[1])] for k in range(widest)] for f in vocab.FIELDS])
        self.field_groups_count = np.array([len(f[1]) for f in vocab.FIELDS])
        field_w = np.array([f[2] for f in vocab.FIELDS])
        self.field_p = field_w / field_w.sum()

    def chunk(self, index: int, n: int) -> tuple[pa.Table, pa.Table]:
        """Generate ``n`` patent rows and their events."""
        cfg = self.cfg
        rng = np.random.default_rng([cfg.seed, index])
        year_idx = rng.choice(len(self.years), size=n, p=self.year_p)
        year = self.years[year_idx]
        day = rng.integers(0, 365, n)
        app = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + day
        app = np.minimum(app, self.until)
        u = rng.random(n)
        tcum = self.type_cum[year_idx]
        ptype = (u > tcum[:, 0]).astype(int) + (u > tcum[:, 1]).astype(int)
        pct_p = np.array([cal.PCT_SHARE[t] for t in TYPES])[ptype]
        pct = (rng.random(n) < pct_p) & (year >= 1994) & (ptype < 2)
        digit = np.where(pct, PCT_DIGITS[ptype], TYPE_DIGITS[ptype])
        new_form = app >= NEW_NUMBERS_FROM
        # serial numbers run on per (year, form, type digit) across chunks
        key = year * 100 + new_form * 10 + digit
        rank, uniq, counts = _group_rank(key)
        base = np.array([self.serial.get(int(k), 0) for k in uniq])
        for k, c in zip(uniq, counts, strict=True):
            self.serial[int(k)] = self.serial.get(int(k), 0) + int(c)
        serial = base[np.searchsorted(uniq, key)] + rank + 1 + 3000
        body12 = year.astype(np.int64) * 10**8 + digit * 10**7 + serial
        body8 = (year % 100).astype(np.int64) * 10**6 + digit * 10**5 + np.minimum(serial, 99_999)
        body = np.where(new_form, body12, body8)
        check = np.where(new_form, check_digits(body12, 12), check_digits(body8, 8))
        check_txt = pc.if_else(pa.array(check == 10), "X", pc.cast(pa.array(check), pa.string()))
        body_txt = pc.utf8_lpad(pc.cast(pa.array(body), pa.string()), 8, "0")  # 2000-2003 numbers start with 0
        canonical = _join(body_txt, ".", check_txt)
        style = rng.integers(0, 20, n)
        app_no = pc.if_else(pa.array(style < 3), _join("CN", canonical), canonical)
        app_no = pc.if_else(pa.array(style == 3), _join("ZL", canonical), app_no)

        # grant, publication, lapse
        grant_rate = np.array([cal.GRANT_RATE[t] for t in TYPES])[ptype]
        mean = np.array([cal.GRANT_DELAY_DAYS[t][0] for t in TYPES])[ptype]
        sd = np.array([cal.GRANT_DELAY_DAYS[t][1] for t in TYPES])[ptype]
        delay = np.maximum(60, rng.normal(mean, sd)).astype(int)
        grant = app + delay
        granted = (rng.random(n) < grant_rate) & (grant <= self.until)
        a_pub = app + cal.PUBLICATION_DELAY_DAYS - rng.integers(0, 120, n)
        a_pub = np.where(granted & (ptype == 0), np.minimum(a_pub, grant - 30), a_pub)
        pub = np.where(ptype == 0, a_pub, grant)
        has_pub = np.where(ptype == 0, a_pub <= self.until, granted)
        term_years = np.where(ptype == 0, 20, np.where((ptype == 2) & (app >= np.datetime64("2021-06-01")), 15, 10))
        term_end = app + np.round(term_years * 365.25).astype(int)
        hazard = np.array([cal.LAPSE_HAZARD[t] for t in TYPES])[ptype]
        kept_years = rng.geometric(hazard)
        years_at_grant = np.ceil((grant - app).astype(int) / 365.25).astype(int)
        lapse = app + np.round((years_at_grant + kept_years) * 365.25).astype(int)
        invalidated = granted & (rng.random(n) < cal.INVALIDATION_RATE)
        lapse = np.where(invalidated, grant + rng.integers(200, 2000, n), lapse)
        lapsed = granted & (lapse <= self.until) & (lapse < term_end)
        expired = granted & ~lapsed & (term_end <= self.until)
        # applications not granted
        recent = app > self.until - np.where(ptype == 0, 3 * 365, 365)
        status = np.full(n, "pending", dtype=object)
        status[~granted & ~recent] = np.where(rng.random(int((~granted & ~recent).sum())) < 0.4, "rejected", "withdrawn")
        status[granted] = "in_force"
        status[lapsed] = "lapsed"
        status[lapsed & invalidated] = "invalidated"
        status[expired] = "expired"
        status_words = np.empty(n, dtype=object)
        for name, words in vocab.STATUS_WORDS.items():
            mask = status == name
            status_words[mask] = np.array(words, dtype=object)[rng.integers(0, len(words), int(mask.sum()))]

        # publication numbers: since 2007 nine digits, the first three moving on with the year as CNIPA's did
        # (CN101… in 2007, CN106… in 2017, CN116… in 2023 for inventions); a serial of its own under each prefix
        kind = np.array(["A", "U", "S"])[ptype]
        pub_year = pub.astype("datetime64[Y]").astype(int) + 1970
        prefix = np.where(pub_year >= 2007, PUBLICATION_PREFIX[ptype, np.clip(pub_year, 2007, PREFIX_LAST) - 2007], 0)
        pub_serial = np.zeros(n, dtype=np.int64)
        for key in sorted({(int(t), int(f)) for t, f in zip(ptype[has_pub], prefix[has_pub], strict=True)}):
            mask = has_pub & (ptype == key[0]) & (prefix == key[1])
            c = int(mask.sum())
            pub_serial[mask] = self.pub_counter.get(key, 0) + np.arange(1, c + 1)
            self.pub_counter[key] = self.pub_counter.get(key, 0) + c
        pub_body = np.where(pub_year >= 2007, prefix * 10**6 + pub_serial % 10**6, (ptype + 1) * 10**6 + pub_serial % 10**6)
        pub_no = _join("CN", pc.cast(pa.array(pub_body), pa.string()), pa.array(kind))
        pub_no = pc.if_else(pa.array(has_pub), pub_no, pa.scalar(None, pa.string()))

        # who and where
        city = self.city_codes[rng.choice(len(self.city_codes), size=n, p=self.city_p)]
        mix = list(cal.APPLICANT_MIX)
        mix_p = np.array([cal.APPLICANT_MIX[m] for m in mix])
        category = np.array(mix)[rng.choice(len(mix), size=n, p=mix_p / mix_p.sum())]
        # universities and institutes file from their own city (an address there, not where the draw fell)
        uni = category == "university"
        uni_idx = rng.integers(0, len(vocab.UNIVERSITIES), n)
        inst = category == "institute"
        inst_idx = rng.integers(0, len(vocab.INSTITUTES), n)
        city = np.where(uni, np.array([u[1] for u in vocab.UNIVERSITIES])[uni_idx], city)
        city = np.where(inst, np.array([u[1] for u in vocab.INSTITUTES])[inst_idx], city)
        pool_idx = (rng.random(n) ** 2.5 * len(self.pools[self.city_codes[0]].names)).astype(int)
        applicant = pa.array(np.full(n, "", dtype=object), pa.string())
        address = applicant
        variant = rng.integers(0, 3, n)
        for code, pool in self.pools.items():
            mask = city == code
            if not mask.any():
                continue
            idx = pool_idx[mask]
            names = pool.names.take(pa.array(idx))
            v = variant[mask]
            use_old = (pool.old_name_until[idx] > 0) & (year[mask] < pool.old_name_until[idx]) & (rng.random(len(idx)) < 0.7)
            addr = pool.addresses[0].take(pa.array(idx))
            for k in (1, 2):
                addr = pc.if_else(pa.array(v == k), pool.addresses[k].take(pa.array(idx)), addr)
            addr = pc.if_else(pa.array(use_old), pool.addresses[3].take(pa.array(idx)), addr)
            applicant = _scatter(applicant, mask, names)
            address = _scatter(address, mask, addr)
        applicant = pc.if_else(pa.array(uni), _take([u[0] for u in vocab.UNIVERSITIES], uni_idx), applicant)
        applicant = pc.if_else(pa.array(inst), _take([u[0] for u in vocab.INSTITUTES], inst_idx), applicant)
        person = _person_names(rng, n)
        applicant = pc.if_else(pa.array(category == "individual"), person, applicant)
        gov = category == "government"
        applicant = pc.if_else(
            pa.array(gov),
            _join(_take(self.city_short_names, np.searchsorted(self.city_codes, city)), "市农业技术推广中心"),
            applicant,
        )
        where = rng.random(n)
        other = where < cal.OUT_OF_PROVINCE_SHARE
        foreign = (where >= cal.OUT_OF_PROVINCE_SHARE) & (where < cal.OUT_OF_PROVINCE_SHARE + cal.FOREIGN_SHARE)
        unplaceable = (where >= 0.5) & (where < 0.5 + cal.UNPLACEABLE_SHARE)
        numbers = pc.cast(pa.array(rng.integers(1, 999, n)), pa.string())
        for mask, templates in (
            (other, vocab.OTHER_ADDRESSES),
            (foreign, vocab.FOREIGN_ADDRESSES),
            (unplaceable, vocab.UNPLACEABLE),
        ):
            pick = rng.integers(0, len(templates), n)
            heads = _take([t.split("{n}")[0] for t in templates], pick)
            tails = _take([t.split("{n}")[1] for t in templates], pick)
            address = pc.if_else(pa.array(mask), _join(heads, numbers, tails), address)
        co = (rng.random(n) < cal.CO_APPLICANT_SHARE) & (category == "enterprise")
        applicant = pc.if_else(
            pa.array(co), _join(applicant, "；", _take([u[0] for u in vocab.UNIVERSITIES], uni_idx)), applicant
        )
        inventors = _join(_person_names(rng, n), ";", _person_names(rng, n))
        inventors = pc.if_else(pa.array(rng.random(n) < 0.3), person, inventors)

        # what: field, IPC, title, abstract
        fld = rng.choice(len(vocab.FIELDS), size=n, p=self.field_p)
        subclass = _take([f[0] for f in vocab.FIELDS], fld)
        group_count = self.field_groups_count[fld]
        gpick = self.field_groups[fld, rng.integers(0, 12, n) % group_count]
        sub = SUBGROUPS[rng.integers(0, len(SUBGROUPS), n)]
        spaced = rng.random(n) < 0.5
        ipc_main = _join(
            subclass, pc.if_else(pa.array(spaced), " ", ""), pc.cast(pa.array(gpick), pa.string()), "/", pa.array(sub)
        )
        extra_sub = SUBGROUPS[rng.integers(0, len(SUBGROUPS), n)]
        ipc_extra = _join(subclass, pc.cast(pa.array(gpick), pa.string()), "/", pa.array(extra_sub))
        ipc_all = pc.if_else(pa.array(rng.random(n) < 0.6), _join(ipc_main, ";", ipc_extra), ipc_main)
        # designs are classified by Locarno (e.g. 09-01), not IPC
        locarno = _join(
            pc.utf8_lpad(pc.cast(pa.array(rng.integers(1, 33, n)), pa.string()), 2, "0"),
            "-",
            pc.utf8_lpad(pc.cast(pa.array(rng.integers(1, 10, n)), pa.string()), 2, "0"),
        )
        ipc_main = pc.if_else(pa.array(ptype == 2), locarno, ipc_main)
        ipc_all = pc.if_else(pa.array(ptype == 2), locarno, ipc_all)
        terms_flat = [t for f in vocab.FIELDS for t in f[3]]
        offsets = np.cumsum([0] + [len(f[3]) for f in vocab.FIELDS])
        term_idx = offsets[fld] + (rng.integers(0, 1000, n) % (offsets[fld + 1] - offsets[fld]))
        term = _take(terms_flat, term_idx)
        # what a term names decides the title a filing of each type can have: a method is claimed by an invention as it
        # is, a material with or without its making, a device with its system or control; a utility model protects
        # a device, so a method's or material's term becomes the apparatus that runs or makes it
        is_material = np.zeros(n, dtype=bool)
        for word in vocab.MATERIAL_WORDS:
            is_material |= pc.match_substring(term, word).to_numpy(zero_copy_only=False)
        is_method_term = pc.match_substring(term, "方法").to_numpy(zero_copy_only=False) & ~is_material
        is_whole = np.zeros(n, dtype=bool)  # a term that names a whole device already takes no 装置/系统 after it
        for word in vocab.DEVICE_ENDINGS:
            is_whole |= pc.ends_with(term, word).to_numpy(zero_copy_only=False)
        pick = rng.integers(0, 1000, n)
        adj = np.where(
            is_material & (ptype == 0), np.array(vocab.MATERIAL_ADJECTIVES)[pick % len(vocab.MATERIAL_ADJECTIVES)],
            np.array(vocab.ADJECTIVES)[pick % len(vocab.ADJECTIVES)],
        )  # fmt: skip
        adj = pa.array(np.where(adj == "", "一种", adj))
        inv_suffix = np.where(
            is_method_term, "",
            np.where(is_material, np.array(vocab.MATERIAL_SUFFIX)[pick % len(vocab.MATERIAL_SUFFIX)],
                     np.where(is_whole, np.array(vocab.WHOLE_DEVICE_SUFFIX)[pick % len(vocab.WHOLE_DEVICE_SUFFIX)],
                              np.array(vocab.INVENTION_SUFFIX)[pick % len(vocab.INVENTION_SUFFIX)])),
        )  # fmt: skip
        inv_title = _join(adj, term, pa.array(inv_suffix))
        um_term = pc.if_else(
            pa.array(is_method_term), _join(pc.replace_substring(term, "方法", ""), "装置"),
            pc.if_else(pa.array(is_material), _join("用于", term, "的生产装置"), term),
        )  # fmt: skip
        um_suffix = np.where(
            is_method_term | is_material | is_whole, "", np.array(vocab.UTILITY_SUFFIX)[pick % len(vocab.UTILITY_SUFFIX)]
        )
        um_title = _join(adj, um_term, pa.array(um_suffix))
        product = _take(vocab.DESIGN_PRODUCTS, rng.integers(0, len(vocab.DESIGN_PRODUCTS), n))
        design_title = _join(product, pc.if_else(pa.array(rng.random(n) < 0.5), "（一）", ""))
        title = pc.if_else(pa.array(ptype == 0), inv_title, pc.if_else(pa.array(ptype == 1), um_title, design_title))
        lead = pc.if_else(
            pa.array(ptype == 0), "本发明公开了", pc.if_else(pa.array(ptype == 1), "本实用新型公开了", "本外观设计产品为")
        )
        first_part = rng.integers(0, len(vocab.PARTS), n)
        p1 = _take(vocab.PARTS, first_part)
        p2 = _take(vocab.PARTS, (first_part + rng.integers(1, len(vocab.PARTS), n)) % len(vocab.PARTS))  # never the same
        # worded by what the title claims: a method by its steps, a material by what it is made of, a device by its parts
        pick = rng.integers(0, 5, n)
        device = _join(
            lead, title, "，包括", p1, "和", p2, "，所述", p1, "与", p2, "相连接，用于",
            pc.replace_substring(term, "方法", ""), "。具有",
            _take(vocab.EFFECTS, pick % len(vocab.EFFECTS)), "的优点。",
        )  # fmt: skip
        method = _join(
            lead, title, "，包括以下步骤：获取", term, "的运行数据；按预设模型对数据进行分析处理；",
            "根据分析结果生成并输出控制指令。具有",
            _take(vocab.METHOD_EFFECTS, pick % len(vocab.METHOD_EFFECTS)), "的优点。",
        )  # fmt: skip
        material = _join(
            lead, title, "，其原料包括主体组分、助剂和改性组分，经混合、反应和后处理制得，可用于", term, "领域。具有",
            _take(vocab.MATERIAL_EFFECTS, pick % len(vocab.MATERIAL_EFFECTS)), "的优点。",
        )  # fmt: skip
        invention = ptype == 0
        is_method = invention & pc.match_substring(title, "方法").to_numpy(zero_copy_only=False) & ~is_material
        abstract = pc.if_else(pa.array(is_method), method, pc.if_else(pa.array(invention & is_material), material, device))
        abstract = pc.if_else(
            pa.array(ptype == 2), _join(lead, product, "，用于日常使用。设计要点在于产品的形状与图案。"), abstract
        )

        family = pc.if_else(
            pa.array((ptype == 0) & (rng.random(n) < cal.FAMILY_ABROAD_SHARE)),
            _join(
                _take(vocab.FAMILY_COUNTRIES, rng.integers(0, 3, n)),
                ";",
                _take(vocab.FAMILY_COUNTRIES, rng.integers(3, len(vocab.FAMILY_COUNTRIES), n)),
            ),
            pa.scalar(None, pa.string()),
        )
        has_agency = rng.random(n) < 0.7
        agency = pc.if_else(
            pa.array(has_agency),
            _join(
                _take(self.city_short_names, rng.integers(0, 13, n)),
                _take(list(vocab.BRAND_A), rng.integers(0, len(vocab.BRAND_A), n)),
                "信专利代理事务所（普通合伙）",
            ),
            pa.scalar(None, pa.string()),
        )
        agents = pc.if_else(pa.array(has_agency), _person_names(rng, n), pa.scalar(None, pa.string()))
        claims = pc.if_else(
            pa.array(ptype == 2), pa.scalar(None, pa.string()), pc.cast(pa.array(rng.integers(1, 16, n)), pa.string())
        )
        type_word = _take(["发明", "实用新型", "外观设计"], ptype)
        type_word = pc.if_else(pa.array((ptype == 0) & (rng.random(n) < 0.2)), "发明专利", type_word)

        table = pa.table(
            {
                "申请号": app_no,
                "申请日": _date_strings(app, np.ones(n, bool), rng),
                "公开（公告）号": pub_no,
                "公开（公告）日": _date_strings(pub, has_pub, rng),
                "授权公告日": _date_strings(grant, granted, rng),
                "名称": title,
                "摘要": abstract,
                "申请（专利权）人": applicant,
                "发明（设计）人": inventors,
                "地址": address,
                "主分类号": ipc_main,
                "分类号": ipc_all,
                "专利类型": type_word,
                "法律状态": pa.array(status_words, pa.string()),
                "失效日": _date_strings(lapse, lapsed, rng),
                "同族国家": family,
                "代理机构": agency,
                "代理人": agents,
                "优先权": pa.nulls(n, pa.string()),
                "权利要求数": claims,
            }
        )
        self.effective_2021 += _effective_inventions(
            np.datetime64("2021-12-31"), app, ptype, granted, grant, lapse, lapsed, term_end, other | foreign
        )
        events = self._events(rng, canonical, granted & ~invalidated, grant, lapse, lapsed, applicant, category)
        events = pa.concat_tables(
            [events, self._decisions(rng, canonical, app, ptype, status, applicant)], promote_options="default"
        )
        table, broken, dups = self._break(rng, table)
        self.summary.broken_rows += broken
        self.summary.duplicate_rows += dups
        return table, events

    def _events(self, rng, app_no, eligible, grant, lapse, lapsed, applicant, category) -> pa.Table:
        n = len(eligible)
        rows: list[pa.Table] = []
        end = np.where(lapsed, lapse, self.until)
        span = np.maximum(1, (end - grant).astype(int))
        for etype, share, word in (
            ("transfer", cal.TRANSFER_SHARE, "转让"),
            ("licence", cal.LICENCE_SHARE, "许可"),
            ("pledge", cal.PLEDGE_SHARE, "质押"),
        ):
            mask = eligible & (rng.random(n) < share)
            if etype == "pledge":
                mask &= category == "enterprise"
            when = grant + (rng.random(n) * span).astype(int)
            mask &= when <= self.until
            idx = np.flatnonzero(mask)
            if not len(idx):
                continue
            amount = np.round(np.exp(rng.normal(6.0, 1.0, len(idx))), 1) if etype == "pledge" else None
            pick = rng.integers(0, 13, len(idx))
            to_party = (
                _take(
                    ["中国银行江苏省分行", "江苏银行", "南京银行", "苏州银行", "交通银行江苏省分行"], rng.integers(0, 5, len(idx))
                )
                if etype == "pledge"
                else _take([p.names[0].as_py() for p in self.pools.values()], pick)
            )
            # an assignment records the assignee's address: the patentee's region after a transfer
            to_address = (
                _take([p.addresses[0][0].as_py() for p in self.pools.values()], pick)
                if etype == "transfer"
                else pa.nulls(len(idx), pa.string())
            )
            rows.append(
                pa.table(
                    {
                        "申请号": app_no.take(pa.array(idx)),
                        "事件类型": pa.array([word] * len(idx)),
                        "事件日期": _date_strings(when[idx], np.ones(len(idx), bool), rng),
                        "转出方": applicant.take(pa.array(idx)),
                        "转入方": to_party,
                        "转入方地址": to_address,
                        "金额（万元）": pc.cast(pa.array(amount), pa.string())
                        if amount is not None
                        else pa.nulls(len(idx), pa.string()),
                    }
                )
            )
            if etype == "pledge":
                release = when[idx] + rng.integers(365, 3 * 365, len(idx))
                keep = (rng.random(len(idx)) < cal.PLEDGE_RELEASE_SHARE) & (release <= self.until)
                r = idx[keep]
                if len(r):
                    rows.append(
                        pa.table(
                            {
                                "申请号": app_no.take(pa.array(r)),
                                "事件类型": pa.array(["质押解除"] * len(r)),
                                "事件日期": _date_strings(release[keep], np.ones(len(r), bool), rng),
                                "转出方": applicant.take(pa.array(r)),
                                "转入方": to_party.filter(pa.array(keep)),
                                "转入方地址": pa.nulls(len(r), pa.string()),
                                "金额（万元）": pc.cast(pa.array(amount[keep]), pa.string()),
                            }
                        )
                    )
        if not rows:
            return pa.table({h: pa.array([], pa.string()) for h in EVENT_HEADERS})
        return pa.concat_tables(rows)

    def _decisions(self, rng, app_no, app, ptype, status, applicant) -> pa.Table:
        """The dated end of each application refused or withdrawn (驳回, 视为撤回): an invention after its publication
        and a year or more of substantive examination, a utility model or design within its first year."""
        rows: list[pa.Table] = []
        for name, word, invention_days, other_days in (
            ("rejected", "驳回", (600, 1400), (150, 360)),
            ("withdrawn", "视为撤回", (700, 1200), (120, 300)),
        ):
            idx = np.flatnonzero(status == name)
            if not len(idx):
                continue
            low = np.where(ptype[idx] == 0, invention_days[0], other_days[0])
            high = np.where(ptype[idx] == 0, invention_days[1], other_days[1])
            when = np.minimum(app[idx] + rng.integers(low, high), self.until)
            rows.append(
                pa.table(
                    {
                        "申请号": app_no.take(pa.array(idx)),
                        "事件类型": pa.array([word] * len(idx)),
                        "事件日期": _date_strings(when, np.ones(len(idx), bool), rng),
                        "转出方": applicant.take(pa.array(idx)),
                    }
                )
            )
        return pa.concat_tables(rows) if rows else pa.table({"申请号": pa.array([], pa.string())})

    def _break(self, rng: np.random.Generator, table: pa.Table) -> tuple[pa.Table, int, int]:
        """Spoil a share of rows the ways real exports are spoiled, and repeat a few rows (duplicates)."""
        n = table.num_rows
        share = self.cfg.broken_share
        if share <= 0 or n == 0:
            return table, 0, 0
        pick = rng.random(n) < share
        how = rng.integers(0, 6, n)
        cols = {name: table.column(name).combine_chunks() for name in table.column_names}

        def spoil(col: str, mask: np.ndarray, value: pa.Array | str | None) -> None:
            v = value if isinstance(value, pa.Array) else pa.scalar(value, pa.string())
            cols[col] = pc.if_else(pa.array(mask), v, cols[col])

        wrong = pc.utf8_replace_slice(cols["申请号"], -1, 2147483647, "7")
        wrong = pc.if_else(pc.ends_with(cols["申请号"], "7"), pc.utf8_replace_slice(cols["申请号"], -1, 2147483647, "5"), wrong)
        spoil("申请号", pick & (how == 0), wrong)
        spoil("申请日", pick & (how == 1), "2021-02-30")
        spoil("名称", pick & (how == 2), None)
        spoil("授权公告日", pick & (how == 3), "1984-01-01")
        spoil("专利类型", pick & (how == 4), "其他")
        spoil("主分类号", pick & (how == 5), "XYZ 1/00")
        spoiled = pa.table(cols)
        dup = np.flatnonzero(rng.random(n) < share / 4)
        if len(dup):
            spoiled = pa.concat_tables([spoiled, spoiled.take(pa.array(dup))])
        return spoiled, int(pick.sum()), len(dup)


def _effective_inventions(d, app, ptype, granted, grant, lapse, lapsed, term_end, outside) -> int:
    """Jiangsu inventions effective on ``d`` (CONVENTIONS.md), for the calibration check."""
    return int(((ptype == 0) & granted & (grant <= d) & ~outside & (term_end > d) & (~lapsed | (lapse > d))).sum())


def _scatter(target: pa.Array, mask: np.ndarray, values: pa.Array) -> pa.Array:
    """Put ``values`` (one per true element of ``mask``) into ``target`` at the masked positions."""
    positions = np.cumsum(mask) - 1
    spread = values.take(pa.array(np.where(mask, positions, 0)))
    return pc.if_else(pa.array(mask), spread, target)


def _person_names(rng: np.random.Generator, n: int) -> pa.Array:
    surname = _take(list(vocab.SURNAMES), rng.integers(0, len(vocab.SURNAMES), n))
    g1 = _take(list(vocab.GIVEN), rng.integers(0, len(vocab.GIVEN), n))
    g2 = _take(list(vocab.GIVEN), rng.integers(0, len(vocab.GIVEN), n))
    two = rng.random(n) < 0.6
    return pc.if_else(pa.array(two), _join(surname, g1, g2), _join(surname, g1))


class _Writer:
    """Writes tables to CSV, Parquet or XLSX, streaming."""

    def __init__(self, path: Path, fmt: str, schema: pa.Schema):
        self.path, self.fmt = path, fmt
        self.rows = 0
        if fmt == "csv":
            self._w = pacsv.CSVWriter(str(path), schema)
        elif fmt == "parquet":
            self._w = pq.ParquetWriter(str(path), schema, compression="zstd")
        else:
            import xlsxwriter

            self._book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
            self._sheet = self._book.add_worksheet()
            self._sheet.write_row(0, 0, schema.names)

    def write(self, table: pa.Table) -> None:
        if self.fmt in ("csv", "parquet"):
            self._w.write_table(table)
        else:
            if self.rows + table.num_rows > XLSX_MAX_ROWS:
                raise IpsError(
                    Msg(
                        f"XLSX 最多 {XLSX_MAX_ROWS:,} 行数据，请改用 csv 或 parquet",
                        f"XLSX holds at most {XLSX_MAX_ROWS:,} data rows; use csv or parquet",
                    )
                )
            for r, row in enumerate(table.to_pylist(), start=self.rows + 1):
                self._sheet.write_row(r, 0, [row[c] for c in table.column_names])
        self.rows += table.num_rows

    def close(self) -> None:
        if self.fmt in ("csv", "parquet"):
            self._w.close()
        else:
            self._book.close()


def generate(cfg: SynthConfig, out: Path, progress: Callable[[int], None] = lambda _n: None) -> SynthSummary:
    """Write ``cfg.patents`` patents (plus events and trademarks) under ``out``; return the summary."""
    if cfg.fmt not in ("csv", "parquet", "xlsx"):
        raise IpsError(Msg(f"未知格式 {cfg.fmt}（可选 csv、xlsx、parquet）", f"unknown format {cfg.fmt} (csv, xlsx or parquet)"))
    if cfg.patents <= 0:
        raise InvalidOption("patents", cfg.patents, Msg("大于 0 的整数", "a whole number above 0"))
    if cfg.fmt == "xlsx" and cfg.patents * (1 + cfg.broken_share) > XLSX_MAX_ROWS:
        raise IpsError(
            Msg(
                f"XLSX 最多 {XLSX_MAX_ROWS:,} 行数据，请改用 csv 或 parquet",
                f"XLSX holds at most {XLSX_MAX_ROWS:,} data rows; use csv or parquet",
            )
        )
    out.mkdir(parents=True, exist_ok=True)
    (out / "events").mkdir(exist_ok=True)
    (out / "trademarks").mkdir(exist_ok=True)
    gen = Generator(cfg)
    ext = cfg.fmt
    patents_path = out / f"patents.{ext}"
    events_path = out / "events" / "events.csv"
    pw = ew = None
    done = 0
    index = 0
    try:
        while done < cfg.patents:
            n = min(cfg.chunk_size, cfg.patents - done)
            table, events = gen.chunk(index, n)
            if pw is None:
                pw = _Writer(patents_path, cfg.fmt, table.schema)
                ew = _Writer(events_path, "csv", events.schema)
            pw.write(table)
            ew.write(events)
            gen.summary.patents += table.num_rows
            gen.summary.events += events.num_rows
            done += n
            index += 1
            progress(n)
    finally:
        for w in (pw, ew):
            if w is not None:
                w.close()
    gen.summary.trademarks = _trademarks(cfg, gen, out / "trademarks" / "trademarks.csv")
    effective = gen.effective_2021
    gen.summary.effective_inventions_2021_jiangsu = effective
    gen.summary.effective_inventions_2021_full_scale = round(effective * cal.FULL_SCALE / cfg.patents)
    gen.summary.files = [str(patents_path), str(events_path), str(out / "trademarks" / "trademarks.csv")]
    return gen.summary


def _trademarks(cfg: SynthConfig, gen: Generator, path: Path) -> int:
    """A trademark register extract (one quarter as many marks as patents) for the trademark indicators."""
    n = max(1, cfg.patents // 4)
    rng = np.random.default_rng([cfg.seed, 10**6])
    city_idx = rng.choice(len(gen.city_codes), size=n, p=gen.city_p)
    pool_idx = (rng.random(n) ** 2 * len(gen.pools[gen.city_codes[0]].names)).astype(int)
    owner = pa.array([""] * n)
    addr = owner
    for j, code in enumerate(gen.city_codes):
        mask = city_idx == j
        if mask.any():
            owner = _scatter(owner, mask, gen.pools[code].names.take(pa.array(pool_idx[mask])))
            addr = _scatter(addr, mask, gen.pools[code].addresses[0].take(pa.array(pool_idx[mask])))
    app = np.datetime64("2000-01-01") + rng.integers(0, int((gen.until - np.datetime64("2000-01-01")).astype(int)), n)
    reg = app + rng.integers(270, 540, n)
    registered = reg <= gen.until
    expiry = reg + np.round(10 * 365.25).astype(int)
    status = np.where(~registered, "申请中", np.where(expiry <= gen.until, "已失效", "已注册"))
    table = pa.table(
        {
            "注册号": pc.cast(pa.array(10_000_000 + np.arange(n) * 7 + rng.integers(0, 7, n)), pa.string()),
            "商标名称": _join(
                _take(list(vocab.BRAND_A), rng.integers(0, len(vocab.BRAND_A), n)),
                _take(list(vocab.BRAND_B), rng.integers(0, len(vocab.BRAND_B), n)),
            ),
            "国际分类": pc.cast(pa.array(rng.integers(1, 46, n)), pa.string()),
            "注册人": owner,
            "注册人地址": addr,
            "申请日": _date_strings(app, np.ones(n, bool), rng),
            "注册日": _date_strings(reg, registered, rng),
            "专用权期限至": _date_strings(expiry, registered, rng),
            "商标状态": pa.array(status),
        }
    )
    pacsv.write_csv(table, str(path))
    return n
