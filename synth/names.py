"""Chinese names: surname and given-name frequency tables, variants and drawing.

Surname shares are Hainan's (符 王 陈 林 吴 lead; the national top names follow);
given names have one or two characters drawn from sex-specific pools.  The
homophone table feeds the name noise: characters with the same toneless pinyin (伟/玮,
丽/莉, 梅/玫), and the rare characters that some systems cannot encode and print as ``?``.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt
from pypinyin import lazy_pinyin

Strings = npt.NDArray[np.str_]

#: Surname -> relative frequency in Hainan (percent, rounded; sums need not be 100).
SURNAMES: dict[str, float] = {
    "王": 10.2, "陈": 9.1, "符": 7.4, "林": 6.2, "吴": 5.3, "李": 4.8, "黄": 4.1,
    "张": 3.2, "周": 2.4, "邢": 2.0, "云": 1.4, "羊": 0.9, "冯": 1.6, "蔡": 1.5,
    "郑": 1.4, "梁": 1.3, "许": 1.2, "何": 1.2, "莫": 1.1, "卢": 1.0, "曾": 0.9,
    "钟": 0.9, "潘": 0.8, "谢": 0.8, "苏": 0.8, "刘": 1.9, "杨": 1.3, "赵": 0.7,
    "孙": 0.5, "朱": 0.6, "胡": 0.6, "郭": 0.6, "高": 0.5, "罗": 0.6, "邓": 0.6,
    "韩": 0.4, "唐": 0.5, "马": 0.4, "徐": 0.5, "文": 0.6, "麦": 0.5, "庞": 0.4,
    "叶": 0.5, "欧": 0.3, "卓": 0.3, "吉": 0.4, "董": 0.3, "洪": 0.3, "严": 0.3,
    "邱": 0.3, "詹": 0.3, "韦": 0.3, "傅": 0.2, "龙": 0.3, "程": 0.3, "关": 0.2,
}
#: Surnames more frequent among the Li (extra weight added for Li people).
LI_SURNAMES: dict[str, float] = {"符": 12.0, "王": 8.0, "黄": 4.0, "吉": 3.0, "陈": 3.0,
                                 "刘": 2.0, "董": 1.5, "高": 1.5, "胡": 1.0, "卓": 1.0}

MALE_CHARS = ("伟", "强", "军", "明", "华", "平", "建", "国", "文", "勇", "杰", "涛", "斌",
              "辉", "志", "峰", "海", "东", "亮", "波", "超", "俊", "鹏", "龙", "林", "成",
              "春", "德", "光", "永", "新", "立", "生", "清", "荣", "昌", "家", "宏", "云",
              "雄", "安", "兴", "武", "忠", "福", "贵", "瑞", "宇", "浩", "泽", "鑫", "轩",
              "博", "睿", "子", "天", "晨", "阳", "堃", "喆")
FEMALE_CHARS = ("丽", "芳", "娟", "敏", "静", "燕", "艳", "玲", "霞", "红", "英", "梅", "萍",
                "华", "秀", "兰", "珍", "凤", "美", "花", "琴", "云", "莉", "婷", "雪", "慧",
                "娜", "洁", "倩", "琳", "颖", "欣", "怡", "佳", "思", "雨", "梓", "涵", "萱",
                "晓", "月", "春", "金", "玉", "小", "妹", "爱", "婧", "玥", "珺")
#: Characters a legacy system often cannot encode.
RARE_CHARS = frozenset("堃喆玥珺犇淼昇燚")
RARE_PINYIN = {"堃": "kun", "喆": "zhe", "玥": "yue", "珺": "jun", "犇": "ben",
               "淼": "miao", "昇": "sheng", "燚": "yi"}

#: Characters that are not drawn for names but arrive in their place: the homophones a
#: clerk types when a name is dictated (and the surnames' usual confusions, 徐/许, 章/张).
HOMOPHONE_EXTRA = ("玮炜俐铭鸣桦君锋婧虹瑛方艳民永彬晖智韬侠萍冬芸椿玫付刑蓝真芹薛馨丝蔷帼雯"
                   "良朋隆霖诚承得广胜升青晴庆蓉容畅嘉鸿洪星伍中富桂锐昊皓宣坤哲鹃晶菁龄翎琇枫"
                   "媚亭庭惠纳婕茜莹仪宜寒晗筱悦锦晋艾辰洋力利傅汪黎章邹徐和鲁增忠阳珠湖骆登汤"
                   "封温业颜健剑则田熊皇舟正墨攀柳留照秋丘官彩岸")
#: Share of homophone errors that fall on the surname rather than a given-name character
#: (*assumed*: a surname is asked for and spelled out more carefully than a given name).
SURNAME_HOMOPHONE_WEIGHT = 0.25


@cache
def homophones() -> dict[str, str]:
    """Each name character -> the other characters with the same toneless pinyin.

    Homophones are exact: two characters are variants of each other only when
    ``pypinyin.lazy_pinyin`` reads them the same (伟/玮/炜 ``wei``; 玲 ``ling`` and 琳
    ``lin`` are not).  Characters without a homophone in the table are absent.
    """
    pool = sorted(set(MALE_CHARS) | set(FEMALE_CHARS) | set(SURNAMES) | set(HOMOPHONE_EXTRA))
    by_sound: dict[str, str] = {}
    for ch in pool:
        sound = lazy_pinyin(ch)[0]
        by_sound[sound] = by_sound.get(sound, "") + ch
    return {ch: group.replace(ch, "") for group in by_sound.values() if len(group) > 1
            for ch in group}


def _weights(table: dict[str, float]) -> tuple[Strings, npt.NDArray[np.float64]]:
    keys = np.array(list(table), dtype=np.str_)
    w = np.array(list(table.values()), dtype=np.float64)
    return keys, w / w.sum()


def surnames(rng: np.random.Generator, li: npt.NDArray[np.bool_]) -> Strings:
    """Draw a surname per person; Li people draw from the Li-weighted table.

    Args:
        rng: The stage's generator.
        li: True where the person is Li (黎).

    Returns:
        One surname per person.
    """
    keys, p = _weights(SURNAMES)
    li_table = {k: SURNAMES[k] + LI_SURNAMES.get(k, 0.0) * 3 for k in SURNAMES}
    _, p_li = _weights(li_table)
    out = rng.choice(keys, size=li.size, p=p)
    out[li] = rng.choice(keys, size=int(li.sum()), p=p_li)
    return out


def given_names(rng: np.random.Generator, male: npt.NDArray[np.bool_]) -> Strings:
    """Draw a one- or two-character given name per person by sex."""
    n = male.size
    pools = (np.array(FEMALE_CHARS), np.array(MALE_CHARS))
    rank = np.arange(len(MALE_CHARS), dtype=np.float64)
    zipf = 1.0 / (rank + 8.0)
    first = np.empty(n, dtype="<U1")
    second = np.empty(n, dtype="<U1")
    for flag, pool in ((False, pools[0]), (True, pools[1])):
        idx = np.flatnonzero(male == flag)
        p = zipf[: pool.size] / zipf[: pool.size].sum()
        first[idx] = rng.choice(pool, size=idx.size, p=p)
        second[idx] = rng.choice(pool, size=idx.size, p=p)
    single = rng.random(n) < 0.22
    second[single] = ""
    return np.char.add(first, second)


@cache
def _syllables() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    """Code points of every given-name character (sorted) and an id of its pinyin."""
    chars = sorted(set(MALE_CHARS) | set(FEMALE_CHARS))
    sounds = {s: i + 1 for i, s in enumerate(sorted({lazy_pinyin(c)[0] for c in chars}))}
    return (np.array([ord(c) for c in chars], dtype=np.uint32),
            np.array([sounds[lazy_pinyin(c)[0]] for c in chars], dtype=np.int64))


def sounds(given: Strings) -> npt.NDArray[np.int64]:
    """A number per given name that is equal exactly when two names sound the same
    (toneless pinyin, so 军 and 俊 agree); 0 for an empty name."""
    points, ids = _syllables()
    codes = np.ascontiguousarray(given.astype("<U2")).view(np.uint32).reshape(-1, 2)
    pos = np.clip(np.searchsorted(points, codes), 0, points.size - 1)
    sound = np.where(codes == 0, 0, ids[pos])
    return np.asarray(sound[:, 0] * 1000 + sound[:, 1])


def full_names(surname: Strings, given: Strings) -> Strings:
    """Surname followed by the given name."""
    return np.char.add(surname, given)


def variant(name: str, rng: np.random.Generator) -> str | None:
    """``name`` with one character replaced by a homophone (same toneless pinyin), or
    None if no character has one.  The surname is chosen less often than a given-name
    character (:data:`SURNAME_HOMOPHONE_WEIGHT`)."""
    table = homophones()
    spots = [i for i, ch in enumerate(name) if ch in table]
    if not spots:
        return None
    weights = [SURNAME_HOMOPHONE_WEIGHT if i == 0 else 1.0 for i in spots]
    u, k = rng.random() * sum(weights), 0
    while k < len(spots) - 1 and u >= weights[k]:
        u -= weights[k]
        k += 1
    i = spots[k]
    options = table[name[i]]
    return name[:i] + options[int(rng.integers(len(options)))] + name[i + 1:]


def unencodable(name: str, rng: np.random.Generator) -> str | None:
    """``name`` with its rare character printed as ``?`` or pinyin, or None if it has none."""
    for i, ch in enumerate(name):
        if ch in RARE_CHARS:
            repl = "?" if rng.random() < 0.7 else RARE_PINYIN[ch]
            return name[:i] + repl + name[i + 1:]
    return None
