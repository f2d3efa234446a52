"""The report's words: the domain's codes as a person reads them, English and
Chinese, and field times to the minute. Codes stay in the JSON and CSV; the page
and the plots say them in words."""

from __future__ import annotations

from typing import Any

# code -> (English, Chinese)
WORDS: dict[str, tuple[str, str]] = {
    # incident kinds
    "fire": ("fire", "火灾"),
    "flood": ("flood", "内涝"),
    "trapped_persons": ("trapped persons", "人员被困"),
    "water_rescue": ("water rescue", "水域救援"),
    "hornet_nest": ("hornet nest", "马蜂窝"),
    "road_blocked": ("road blocked", "道路阻断"),
    "medical": ("medical", "医疗"),
    "other": ("other", "其他"),
    # incident statuses
    "reported": ("reported, nobody sent", "已报告"),
    "dispatched": ("dispatched", "已派遣"),
    "on_scene": ("on scene", "已到场"),
    "resolved": ("resolved", "已处置"),
    "closed": ("closed", "已关闭"),
    # why a dispatch was refused
    "not_vetted": ("not vetted", "未通过审核"),
    "training_incomplete": ("training incomplete", "培训未完成"),
    "not_qualified": ("not qualified for the need", "无相应资质"),
    "not_insured": ("not insured", "无有效保险"),
    "off_shift": ("not on shift", "未在岗"),
    "busy": ("busy elsewhere", "正在执行其他任务"),
    "already_dispatched": ("already dispatched there", "已派往该警情"),
    "incident_resolved": ("incident already resolved", "警情已处置"),
    "incident_closed": ("incident already closed", "警情已关闭"),
    # hazards
    "found": ("found", "发现"),
    "ordered": ("rectification ordered", "责令整改"),
    "self_checked": ("self-checked by the owner", "业主自查"),
    "rectified": ("rectified", "已整改"),
    "verified": ("verified", "已复核"),
    "reinspection_failed": ("re-inspection failed", "复查未通过"),
    # operation kinds
    "typhoon": ("typhoon", "台风"),
    "programme": ("programme", "年度工作"),
    "drill": ("drill", "演练"),
}


def say(code: Any) -> str:
    """A code in English words (an unknown code with its underscores as spaces)."""
    if code is None:
        return "-"
    text = str(code)
    return WORDS.get(text, (text.replace("_", " "), ""))[0]


def both(code: Any) -> str:
    """A code in English and Chinese: "road blocked 道路阻断"."""
    english = say(code)
    chinese = WORDS.get(str(code), ("", ""))[1]
    return f"{english} {chinese}" if chinese else english


def minute(moment: str | None) -> str:
    """An ISO field time to the minute, as written in the field: "2023-07-28 09:14"."""
    if not moment:
        return "-"
    return moment[:16].replace("T", " ")


def waited(seconds: float | None) -> str:
    """A wait in minutes: "7 min", "1 h 05 min"."""
    if seconds is None:
        return "-"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def reference(incident: dict[str, Any]) -> str:
    """An incident as a person names it: "flood #12 · Heshi village"."""
    place = incident.get("address") or f"{incident['lat']:.4f}, {incident['lon']:.4f}"
    return f"{say(incident['kind'])} #{incident['number']} · {place}"
