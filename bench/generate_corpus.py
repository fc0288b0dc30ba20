"""Deterministic synthetic corpus for the build benchmark: variants of the seed articles.

Each article starts from one seed article and gets:

- other hospitals: every hospital of the seed is replaced by a generated name
  (province/city/county + 第一/第二/中心/人民/中医… + 医院 or 妇幼保健院).
  Hospitals are drawn rich-get-richer (a new hospital for about a third of the
  articles, otherwise one already seen, in proportion to how often), so the
  graph grows as a real corpus does: many hospitals, a few covered often;
- other people: each generated hospital has its own fixed staff (common
  surname + one or two given-name characters), so a leader recurs with the
  hospital across articles and merges in the graph;
- other numbers (scaled 0.5–2×, same format) and years (shifted, never after 2025);
- shuffled paragraphs (the lead stays first), some paragraphs dropped or
  borrowed from another seed, so the size lands in 5–20 KB;
- the seed's layout kept (hard-wrapped newspaper columns, OCR doubled runs) for
  about two articles in three, and one paragraph per line for the others.

Files are UTF-8, ``DIR/part-NNN/doc-NNNNNN.txt``, 200 per folder. The same
``--seed`` gives the same bytes, and a smaller corpus is a prefix of a larger
one (article ``i`` depends only on the articles before it).

    python bench/generate_corpus.py --size-mb 10 -o /tmp/kg-bench/corpus-10 [--seed 1]
    python bench/generate_corpus.py --docs 1000 -o DIR
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
FILES_PER_FOLDER = 200
MIN_BYTES, MAX_BYTES = 5_000, 20_000
NEW_HOSPITAL_SHARE = 0.3
UNWRAPPED_SHARE = 0.35
LAST_YEAR = 2025

# Names that occur in the seed articles (from the seeds' gold annotations): replaced in every variant.
# Person -> the seed hospital it belongs to, so the replacement comes from that hospital's staff.
SEED_HOSPITALS: tuple[str, ...] = (
    "忠县人民医院", "江津区第一人民医院", "新桥医院", "重庆市中医院", "重庆大学附属江津医院",
    "涪陵区妇幼保健院", "垫江县人民医院", "沧州市人民医院", "四川大学华西医院", "中日友好医院",
    "北京大学第三医院", "北京市海淀医院", "北京市延庆区医院", "中国医科大学附属盛京医院",
    "中国医科大学附属第一医院", "中国中医科学院广安门医院", "大连医科大学附属第一医院", "沈阳市第五人民医院",
)
SEED_ALIASES: dict[str, str] = {  # distinctive short forms; generic ones (市人民医院, 一院) are kept
    "忠医": "忠县人民医院", "北医三院": "北京大学第三医院", "盛京医院": "中国医科大学附属盛京医院",
    "广安门医院": "中国中医科学院广安门医院",
}
SEED_PEOPLE: dict[str, str] = {
    "周玲": "忠县人民医院", "杜德勤": "忠县人民医院", "叶小兰": "忠县人民医院",
    "秦德明": "涪陵区妇幼保健院", "张灵": "涪陵区妇幼保健院", "胡章勇": "涪陵区妇幼保健院",
    "陈云峰": "垫江县人民医院", "傅勇": "垫江县人民医院", "周瑜": "垫江县人民医院", "谭燕": "垫江县人民医院",
    "王兆发": "沧州市人民医院", "罗凤鸣": "四川大学华西医院", "宋树立": "中日友好医院",
    "金昌晓": "北京大学第三医院", "赵玉虹": "中国医科大学附属盛京医院", "刘群清": "中国医科大学附属第一医院",
    "王笑频": "中国中医科学院广安门医院", "刘晶": "大连医科大学附属第一医院", "李保军": "沈阳市第五人民医院",
}

PROVINCES = (
    "河北省", "山西省", "辽宁省", "吉林省", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省",
    "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省", "甘肃省",
)
CITIES = (
    "沧州", "保定", "邯郸", "大同", "锦州", "鞍山", "吉林", "四平", "徐州", "南通", "扬州", "温州", "绍兴",
    "台州", "芜湖", "蚌埠", "泉州", "漳州", "赣州", "九江", "潍坊", "临沂", "济宁", "洛阳", "南阳", "开封",
    "宜昌", "襄阳", "荆州", "岳阳", "常德", "衡阳", "佛山", "江门", "湛江", "三亚", "绵阳", "南充", "宜宾",
    "泸州", "遵义", "安顺", "曲靖", "玉溪", "宝鸡", "汉中", "天水", "酒泉", "自贡", "达州", "万州", "乐山",
)
COUNTIES = (
    "忠县", "垫江县", "奉节县", "巫山县", "云阳县", "开州区", "梁平区", "武隆区", "丰都县", "石柱县", "秀山县",
    "彭水县", "綦江区", "大足区", "璧山区", "铜梁区", "潼南区", "荣昌区", "长寿区", "合川区", "永川区", "南川区",
    "涪陵区", "江津区", "安岳县", "乐至县", "仁寿县", "彭山区", "郫都区", "大邑县", "蒲江县", "金堂县", "平昌县",
    "通江县", "宣汉县", "渠县", "邻水县", "岳池县", "武胜县", "盐亭县", "三台县", "梓潼县", "剑阁县", "苍溪县",
    "旺苍县", "青川县", "沙县", "尤溪县", "龙游县", "江山市", "义乌市", "东阳市", "永康市", "诸暨市", "余姚市",
)
KINDS = (  # (suffix, weight)
    ("人民医院", 6), ("第一人民医院", 3), ("第二人民医院", 2), ("第三人民医院", 1), ("中心医院", 2),
    ("中医医院", 3), ("中医院", 1), ("妇幼保健院", 2), ("中西医结合医院", 1), ("第一医院", 1),
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红志鹏飞宇浩凯俊峰燕玲晓东海波辉斌琳雪梅"
    "德勤章云兆发凤鸣树立昌虹群清笑频晶保林春成文彬亮荣新宏晨阳丹欣怡佳瑞祥永庆福良才学武卫忠诚"
)


def _names_re(names) -> re.Pattern:
    """Any of ``names``, longest first, also when a hard line break falls inside one."""
    return re.compile("|".join("\n?".join(map(re.escape, n)) for n in sorted(names, key=len, reverse=True)))


HOSPITAL_RE = _names_re({*SEED_HOSPITALS, *SEED_ALIASES})
PERSON_RE = _names_re(SEED_PEOPLE)
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
SENTENCE_END = "。！？；…”」）)!?"


@dataclass
class Seed:
    name: str
    blocks: list[str]  # paragraph blocks in order; the first is the lead


@dataclass
class Registry:
    """Generated hospitals (in order of first use) and how often each was used."""

    rng: random.Random
    names: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)
    staff: dict[int, list[str]] = field(default_factory=dict)

    def pick(self, new: bool) -> int:
        if new or not self.names:
            return self._new()
        i = self.rng.choices(range(len(self.names)), weights=self.counts)[0]
        self.counts[i] += 1
        return i

    def _new(self) -> int:
        while True:
            name = _hospital_name(self.rng)
            if name not in self.taken and name not in SEED_HOSPITALS:
                break
        self.taken.add(name)
        self.names.append(name)
        self.counts.append(1)
        return len(self.names) - 1

    def person(self, hospital: int, slot: int) -> str:
        """The ``slot``-th staff member of a hospital (the same person in every article)."""
        staff = self.staff.setdefault(hospital, [])
        if slot >= len(staff):
            local = random.Random(f"staff:{self.names[hospital]}:{len(staff)}")
            while len(staff) <= slot:
                staff.append(_person_name(local))
        return staff[slot]


def _hospital_name(rng: random.Random) -> str:
    suffix = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
    if rng.random() < 0.45:
        place = rng.choice(COUNTIES)
    else:
        place = rng.choice(CITIES) + "市"
        if rng.random() < 0.3:
            place = rng.choice(PROVINCES) + place
    return place + suffix


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))


def load_seeds(folder: Path) -> list[Seed]:
    seeds = []
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        seeds.append(Seed(path.name, _blocks(text)))
    if not seeds:
        raise SystemExit(f"generate_corpus: no seed articles (*.txt) in {folder}")
    return seeds


def _blocks(text: str) -> list[str]:
    """Paragraph blocks; a block that stops mid-sentence (a column break) is joined to the next."""
    raw = [b.strip("\n") for b in re.split(r"\n[ \t\u3000]*\n", text) if b.strip()]
    blocks: list[str] = []
    for block in raw:
        if blocks and not _complete(blocks[-1]):
            blocks[-1] += "\n\n" + block
        else:
            blocks.append(block)
    return blocks


def _complete(block: str) -> bool:
    tail = block.rstrip()
    last_line = tail.rsplit("\n", 1)[-1]
    return not tail or tail[-1] in SENTENCE_END or len(last_line) < 30  # short lines are headlines


def _layout_free(text: str) -> str:
    """One paragraph per line: hard line breaks inside a paragraph removed."""
    return re.sub(r"(?<=\S)\n(?=\S)", "", text)


def _scale_number(match: re.Match, rng: random.Random, year_shift: int) -> str:
    s = match.group()
    if "." not in s and len(s) == 4 and s[:2] in ("19", "20"):
        return str(min(LAST_YEAR, int(s) + year_shift))
    if "." in s:
        places = len(s.split(".")[1])
        return f"{float(s) * rng.uniform(0.5, 2.0):.{places}f}"
    value = max(1, round(int(s) * rng.uniform(0.5, 2.0)))
    return str(value).zfill(len(s)) if s.startswith("0") else str(value)


def make_article(rng: random.Random, seeds: list[Seed], registry: Registry) -> str:
    """One article: a seed variant with its own hospitals, people, numbers and paragraph order."""
    base = rng.choice(seeds)
    blocks = list(base.blocks)
    lead, body = blocks[0], blocks[1:]
    rng.shuffle(body)
    body = [b for b in body if rng.random() > 0.15] or body[:1]
    target = rng.randint(MIN_BYTES, MAX_BYTES)
    size = len(lead.encode()) + sum(len(b.encode()) for b in body)
    while size < target:  # borrow paragraphs from other seeds
        extra = rng.choice(rng.choice(seeds).blocks)
        body.insert(rng.randint(0, len(body)), extra)
        size += len(extra.encode())
    while size > MAX_BYTES and len(body) > 1:
        size -= len(body.pop(rng.randrange(len(body))).encode())
    text = "\n\n".join([lead, *body]) + "\n"
    if rng.random() < UNWRAPPED_SHARE:
        text = _layout_free(text)

    hospitals: dict[str, int] = {}  # seed hospital -> generated one; the first seen is the article's own

    def hospital_for(seed_name: str) -> int:
        seed_name = seed_name.replace("\n", "")
        seed_name = SEED_ALIASES.get(seed_name, seed_name)
        if seed_name not in hospitals:
            hospitals[seed_name] = registry.pick(new=rng.random() < NEW_HOSPITAL_SHARE)
        return hospitals[seed_name]

    people: dict[str, str] = {}

    def person_for(seed_name: str) -> str:
        seed_name = seed_name.replace("\n", "")
        if seed_name not in people:
            owner = hospital_for(SEED_PEOPLE[seed_name])
            slot = sorted(p for p, h in SEED_PEOPLE.items() if h == SEED_PEOPLE[seed_name]).index(seed_name)
            people[seed_name] = registry.person(owner, slot)
        return people[seed_name]

    year_shift = rng.choice((-6, -5, -4, -3, -2, -1, -1, 0, 0, 0))
    text = HOSPITAL_RE.sub(lambda m: registry.names[hospital_for(m.group())], text)
    text = PERSON_RE.sub(lambda m: person_for(m.group()), text)
    return NUMBER_RE.sub(lambda m: _scale_number(m, rng, year_shift), text)


def generate(out: Path, *, size_mb: float | None = None, docs: int | None = None, seed: int = 1,
             seeds_dir: Path = SEEDS_DIR) -> tuple[int, int]:
    """Write the corpus under ``out`` (emptied first).

    Args:
        out: output folder.
        size_mb: stop once the files add up to this many MB (10**6 bytes).
        docs: or stop after this many articles.
        seed: random seed; the same seed gives the same bytes.
        seeds_dir: folder of seed articles.

    Returns:
        (articles written, total bytes).
    """
    if (size_mb is None) == (docs is None):
        raise ValueError("give exactly one of size_mb and docs")
    seeds = load_seeds(seeds_dir)
    rng = random.Random(seed)
    registry = Registry(random.Random(f"hospitals:{seed}"))
    if out.exists():
        shutil.rmtree(out)
    limit = None if size_mb is None else int(size_mb * 1_000_000)
    count = total = 0
    while (limit is not None and total < limit) or (docs is not None and count < docs):
        data = make_article(rng, seeds, registry).encode("utf-8")
        path = out / f"part-{count // FILES_PER_FOLDER:03d}" / f"doc-{count:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        count += 1
        total += len(data)
    return count, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    amount = parser.add_mutually_exclusive_group(required=True)
    amount.add_argument("--size-mb", type=float, help="total size in MB (10**6 bytes)")
    amount.add_argument("--docs", type=int, help="number of articles")
    parser.add_argument("-o", "--output", required=True, type=Path, help="output folder (replaced)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--seeds-dir", type=Path, default=SEEDS_DIR, help="seed articles (default: the repo's seeds/)")
    args = parser.parse_args(argv)
    count, total = generate(args.output, size_mb=args.size_mb, docs=args.docs, seed=args.seed,
                            seeds_dir=args.seeds_dir)
    print(f"{count} articles, {total / 1e6:.1f} MB in {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
