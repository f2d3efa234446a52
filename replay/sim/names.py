"""Places in Chinese with their pinyin: `"安吉路128号 (128 Anji Road)"`.

An address is one string, as the domain keeps it: the Chinese first, the pinyin
(or English) in brackets after it. The command centre shows the part that suits
its language (docs/views.md, "Addresses"); any other text is shown as written.
"""

from __future__ import annotations

COMMUNITIES_ZH = {
    "Shuangyang": "双阳街道",
    "Wanan": "万安街道",
    "Heshi": "河市镇",
    "Majia": "马甲镇",
    "Luoxi": "罗溪镇",
}
STREETS_ZH = {
    "Shuangyang Street": "双阳街",
    "Anji Road": "安吉路",
    "Shuangxing Road": "双兴路",
    "Qiaonan Road": "桥南路",
    "Jinxiu Road": "锦绣路",
    "Wanan Road": "万安路",
    "Luojiang Road": "罗江路",
    "Huabei Road": "华北路",
    "Zhangban Road": "张坂路",
    "Heshi Road": "河市路",
    "Nanshan Road": "南山路",
    "Baiqi Lane": "白奇巷",
    "Majia Road": "马甲路",
    "Yanggui Road": "仰贵路",
    "Zhubian Lane": "竹边巷",
    "Luoxi Road": "罗溪路",
    "Xiangyun Road": "祥云路",
}
SHELTERS_ZH = {
    "Luojiang Central School": "洛江中心小学",
    "Shuangyang community centre": "双阳社区服务中心",
    "Heshi town hall": "河市镇政府",
}


def both(chinese: str, pinyin: str) -> str:
    return f"{chinese} ({pinyin})"


def street_address(number: int, street: str) -> str:
    """`"安吉路128号 (128 Anji Road)"`: a number on a street the simulator knows."""
    return both(f"{STREETS_ZH[street]}{number}号", f"{number} {street}")


def shelter(name: str) -> str:
    return both(SHELTERS_ZH[name], name)
