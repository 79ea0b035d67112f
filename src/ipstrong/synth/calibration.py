"""The figures the generator is calibrated on, each with its source or marked as an assumption.

Calibration target: about 349,000 effective domestic invention patents in Jiangsu at the end of 2021
(万人发明专利拥有量 41.2 × 8505.4 万 year-end residents, ../shared/data/jiangsu-series: provincial series and
2021 population). With the yearly invention lapse hazard set to 0.20 (a median of about three and a half years of
maintenance after grant, an assumption) the generator yields that figure at ``FULL_SCALE`` = 6.5 million patents
filed 1985-2024, which is therefore "full scale" (seeds 7 and 8 at 400,000 patents gave 21,585 and 21,545
effective inventions, i.e. 351,000 at full scale; ``ipstrong synth`` prints the figure for every run). Every other
number below is a stated assumption about shape, not a published statistic.
"""

from __future__ import annotations

import itertools

FULL_SCALE = 6_500_000
TARGET_EFFECTIVE_INVENTIONS_2021 = 349_000  # 41.2 per 10k × 8505.4 (10k persons), jiangsu-series

# Relative filing volume by year (assumption: the shape of Jiangsu's growth — slow until 2000, steep to 2012,
# a plateau after the 2015 quality drive). Years between anchors are interpolated.
VOLUME_ANCHORS = {
    1985: 0.2,
    1990: 0.5,
    1995: 0.8,
    2000: 1.6,
    2005: 6.0,
    2010: 30.0,
    2012: 55.0,
    2015: 52.0,
    2018: 66.0,
    2020: 78.0,
    2021: 72.0,
    2022: 68.0,
    2024: 64.0,
}

# Share of inventions / utility models / designs among filings (assumption), by year anchor.
TYPE_SHARE_ANCHORS = {
    1985: (0.40, 0.55, 0.05),
    2000: (0.25, 0.50, 0.25),
    2010: (0.22, 0.38, 0.40),
    2015: (0.40, 0.45, 0.15),
    2021: (0.30, 0.58, 0.12),
    2024: (0.34, 0.56, 0.10),
}

GRANT_RATE = {"invention": 0.55, "utility_model": 0.93, "design": 0.92}  # assumption
GRANT_DELAY_DAYS = {"invention": (900, 300), "utility_model": (240, 60), "design": (170, 50)}  # mean, sd
PUBLICATION_DELAY_DAYS = 548  # inventions are published about 18 months after filing (专利法 art. 34)
INVENTION_LAPSE_HAZARD = 0.20  # yearly chance an invention's annuity goes unpaid (assumption, see above)
LAPSE_HAZARD = {"invention": INVENTION_LAPSE_HAZARD, "utility_model": 0.22, "design": 0.28}
INVALIDATION_RATE = 0.003
PCT_SHARE = {"invention": 0.03, "utility_model": 0.002, "design": 0.0}
FAMILY_ABROAD_SHARE = 0.04  # inventions with a family member filed abroad (assumption)

# City shares ∝ 2024 GDP (jiangsu-series, "江苏各市GDP省内占比", preliminary figures) — an assumption that patent
# output follows output, not a published patent statistic.
CITY_WEIGHTS = {
    "320100": 18501,
    "320200": 16263,
    "320300": 9537,
    "320400": 10813,
    "320500": 26727,
    "320600": 12421,
    "320700": 4663,
    "320800": 5413,
    "320900": 7779,
    "321000": 7809,
    "321100": 5540,
    "321200": 7020,
    "321300": 4801,
}

APPLICANT_MIX = {"enterprise": 0.74, "university": 0.12, "institute": 0.03, "individual": 0.10, "government": 0.01}
OUT_OF_PROVINCE_SHARE = 0.025  # first applicant outside Jiangsu (other provinces), assumption
FOREIGN_SHARE = 0.01
UNPLACEABLE_SHARE = 0.005
CO_APPLICANT_SHARE = 0.10
TRANSFER_SHARE, LICENCE_SHARE, PLEDGE_SHARE = 0.05, 0.015, 0.03
PLEDGE_RELEASE_SHARE = 0.6


def interpolate(anchors: dict[int, float], year: int) -> float:
    """Linear interpolation between anchor years, constant beyond the ends."""
    keys = sorted(anchors)
    if year <= keys[0]:
        return anchors[keys[0]]
    if year >= keys[-1]:
        return anchors[keys[-1]]
    for lo, hi in itertools.pairwise(keys):
        if lo <= year <= hi:
            t = (year - lo) / (hi - lo)
            return anchors[lo] + t * (anchors[hi] - anchors[lo])
    raise AssertionError("unreachable")


def type_shares(year: int) -> tuple[float, float, float]:
    keys = sorted(TYPE_SHARE_ANCHORS)
    shares = [interpolate({k: TYPE_SHARE_ANCHORS[k][i] for k in keys}, year) for i in range(3)]
    total = sum(shares)
    return (shares[0] / total, shares[1] / total, shares[2] / total)
