// Labels in English and Chinese; the choice is kept in localStorage.
export const LABELS = {
  en: {
    title: "Command centre", live: "Live", replay: "Replay", sign_out: "Sign out",
    sign_in: "Sign in", token_help: "Paste a token from: brigade token create --role commander",
    token_rejected: "The server did not accept this token.",
    token_expired: "This token has expired: ask for a new one.",
    token_revoked: "This token was revoked: ask for a new one.",
    token_expires: "token expires {when}",
    moment: "Moment", play: "Play", pause: "Pause", speed: "Speed",
    statistics: "Operation statistics", incidents: "Incidents", volunteers: "Volunteers",
    since_report: "Since report", kind: "Kind", severity: "Sev.", status: "Status",
    address: "Address", pick_operation: "Choose an operation",
    open: "Open", operation: "Operation", no_operation: "no operation chosen",
    // connection states
    connecting: "connecting…", connected: "live", reconnecting: "reconnecting in {s} s",
    unauthorized: "token rejected", refused: "subscription refused",
    replaying: "replay", paused: "paused",
    // stats
    open_incidents: "open incidents", total_incidents: "incidents", dispatches: "dispatches",
    refused_dispatches: "dispatches refused", evacuated: "evacuated", rescued: "rescued",
    available: "available", hazards_open: "hazards open", hazards_overdue: "hazards overdue",
    report_to_dispatch: "report → dispatch (median)", dispatch_to_arrival: "dispatch → arrival (median)",
    // actions
    report_here: "Report an incident here", report: "Report", close: "Close",
    sos_title: "A volunteer asked for help for themselves: first on the board",
    description: "Description", dispatch: "Dispatch", dispatch_to: "Dispatch to {what}",
    qualified_nearby: "Qualified and free, nearest first (straight-line km)",
    others: "Others on shift, not free or not qualified", nobody: "Nobody qualified is available.",
    try_anyway: "Try", dispatched_ok: "{name} dispatched", reported_ok: "Incident reported",
    refused_title: "Refused", km: "{d} km", no_position: "no position",
    needs: "needs {what}", busy: "busy: {what}", images: "Images",
    dispatched_n: "{n} dispatched", on_scene_n: "{n} on scene",
    evac_rescued: "{e} evacuated · {r} rescued", dispatchable: "dispatchable",
    route: "route guided", road: "road cleared", hazard: "open hazard",
    replay_unavailable: "Replay needs /ws/playback on the server; this one does not serve it yet.",
    sec: "{n} s", min: "{n} min", hr: "{h} h {m} min", day: "{n} d",
    // triage (issue 13)
    tab_now: "Now", tab_programme: "Programme and hazards", show: "Show",
    filter_open: "Open", filter_unassigned: "Needs a decision", filter_assigned: "Someone assigned",
    filter_ended: "Resolved or closed", filter_all: "All", filter_all_kinds: "All kinds",
    triage_order: "Triage order", waiting: "Waiting", nearest: "Nearest free", kind_place: "Kind and place", on_shift: "On shift",
    needs_decision: "need a decision", oldest_waiting: "oldest waiting {d}",
    waiting_too_long: "waiting too long", waiting_alarm: "{n} waiting too long",
    people_at_risk: "people at risk", last_hour: "last hour", whole_operation: "whole operation",
    available_by_need: "Free and qualified, by need", activities: "service activities",
    activity_hours: "activity hours", hornet_nests: "hornet nests",
    nobody_free: "nobody free", free_unplaced: "{n} free, no position", can_be_sent: "can be sent", off_duty_n: "Off duty ({n})",
    min_sec: "{m} min {s} s", report_link: "Report", field_time: "field time", operation_id: "operation id",
    // the incident panel
    a_volunteer: "a volunteer", command_centre: "command centre ({id})", message_to_team: "Message to the volunteers on this incident",
    send: "Send", message_sent: "Message sent", assessment: "Assessment", team: "Who is on it",
    messages: "Messages", timeline: "Timeline", not_assessed: "Not assessed yet.", outcome: "Outcome",
    no_messages: "No messages yet.", no_images: "No images yet.", nobody_assigned: "Nobody dispatched yet.",
    severity_full: "Severity", summary: "Summary", count: "How many", destination: "Taken to",
    reported_at: "reported {at}", sent_at: "sent {at}", arrived_at: "arrived {at}",
    act_dispatch: "Dispatch…", act_assess: "Assess", act_evacuation: "Record evacuation",
    act_rescue: "Record rescue", act_resolve: "Resolve", act_close: "Close the incident", act_release: "Release",
    assessed_ok: "Assessment recorded", recorded_ok: "Recorded", resolved_ok: "Incident resolved",
    closed_ok: "Incident closed", released_ok: "{name} released",
    tl_reported: "reported: {kind}, severity {severity}", tl_assessed: "assessed: {summary}",
    tl_dispatched: "{name} dispatched", tl_dispatch_refused: "dispatch of {name} refused: {reason}",
    tl_arrived: "{name} on scene", tl_released: "{name} released", tl_evacuated: "{n} evacuated to {where}",
    tl_coming: "{name}: coming, {eta} min away", tl_not_coming: "{name}: not coming ({reason})",
    coming_in: "coming, {eta} min", not_coming: "not coming: {reason}",
    tl_rescued: "{n} rescued", tl_message: "message: {text}", tl_image: "image added", tl_resolved: "resolved: {outcome}",
    // a volunteer's panel: enrol a phone, revoke a lost one (people.js)
    volunteer_panel: "Volunteer: {name}", enrol_phone: "Enrol a phone",
    enrol_help: "A one-time link for this volunteer's phone: scan the code with the phone's camera, or send the link.",
    link_valid_for: "Link valid for", minutes_n: "{n} minutes", hour_one: "1 hour", day_one: "1 day",
    copy_link: "Copy link", link_copied: "Link copied", copy_failed: "Could not copy: select the link instead",
    qr_alt: "QR code of the enrolment link for {name}", scan_or_open: "Scan with the phone, or open this link on it:",
    link_expires: "Works once, until {when}", phones_signed_in: "Phones signed in",
    no_phones: "No phone is signed in.", a_phone: "phone", token_issued: "since {at} · until {until}",
    revoke_lost: "Revoke (lost phone)", revoke_reason: "Reason", lost_phone: "phone lost",
    revoke_confirm: "Revoke now", revoked_ok: "Token revoked: that phone is signed out",
    links_made: "Enrolment links", no_links: "No link made yet.", link_made: "made {at}",
    link_used: "used by a phone {at}", link_cancelled: "withdrawn {at}", link_expired: "expired {at}",
    link_waiting: "not used yet, works until {at}", withdraw_link: "Withdraw", link_withdrawn: "Link withdrawn",
    // check-ons (checkons.js)
    checkons: "Check-ons: not yet checked", start_round: "Start round", another_round: "Another round",
    start_round_title: "Check-on round: {area}", round_for: "Every register entry in {area}",
    who_checks: "Who checks (on shift)", nobody_on_shift: "Nobody is on shift in this operation.",
    choose_someone: "Choose at least one volunteer.", round_started: "Round started in {area}",
    area_counts: "registered: {entries} · people: {people}", not_checked_n: "{n} not yet checked",
    round_on: "on a round ({n} checking)", no_round: "no round yet", on_round: "on a round",
    people_n: "{n} people", all_checked: "Everyone registered has been checked on.",
    register_empty: "The register is empty.",
    round_found: "found: {safe} safe · {evacuated} evacuated · {help} need help",
  },
  zh: {
    title: "指挥中心", live: "实时", replay: "回放", sign_out: "退出",
    sign_in: "登录", token_help: "粘贴令牌：brigade token create --role commander",
    token_rejected: "服务器不接受此令牌。",
    token_expired: "此令牌已过期，请申请新令牌。",
    token_revoked: "此令牌已被吊销，请申请新令牌。",
    token_expires: "令牌将于 {when} 过期",
    moment: "时刻", play: "播放", pause: "暂停", speed: "速度",
    statistics: "行动统计", incidents: "警情", volunteers: "志愿者",
    since_report: "报警至今", kind: "类型", severity: "等级", status: "状态",
    address: "地址", pick_operation: "选择行动",
    open: "打开", operation: "行动", no_operation: "未选择行动",
    connecting: "连接中…", connected: "实时", reconnecting: "{s} 秒后重连",
    unauthorized: "令牌无效", refused: "订阅被拒绝",
    replaying: "回放", paused: "已暂停",
    open_incidents: "未结警情", total_incidents: "警情总数", dispatches: "派遣",
    refused_dispatches: "派遣被拒", evacuated: "转移", rescued: "救出",
    available: "可派遣", hazards_open: "未整改隐患", hazards_overdue: "逾期隐患",
    report_to_dispatch: "报警→派遣（中位数）", dispatch_to_arrival: "派遣→到场（中位数）",
    report_here: "在此报告警情", report: "报告", close: "关闭",
    sos_title: "志愿者为自己求救：排在警情板最前",
    description: "描述", dispatch: "派遣", dispatch_to: "派遣至 {what}",
    qualified_nearby: "有资质且空闲，由近及远（直线距离）",
    others: "其他在岗人员（忙碌或无资质）", nobody: "没有有资质的可派遣人员。",
    try_anyway: "尝试", dispatched_ok: "已派遣 {name}", reported_ok: "警情已报告",
    refused_title: "被拒绝", km: "{d} 公里", no_position: "无位置",
    needs: "需要 {what}", busy: "忙碌：{what}", images: "图片",
    dispatched_n: "已派 {n} 人", on_scene_n: "到场 {n} 人",
    evac_rescued: "转移 {e} · 救出 {r}", dispatchable: "可派遣",
    route: "引导路线", road: "已清障道路", hazard: "未整改隐患",
    replay_unavailable: "回放需要服务器提供 /ws/playback，此服务器尚未提供。",
    sec: "{n} 秒", min: "{n} 分", hr: "{h} 时 {m} 分", day: "{n} 天",
    tab_now: "当前", tab_programme: "年度工作与隐患", show: "显示",
    filter_open: "未结", filter_unassigned: "待决定", filter_assigned: "已有人员",
    filter_ended: "已处置或关闭", filter_all: "全部", filter_all_kinds: "全部类型",
    triage_order: "按轻重缓急", waiting: "等待", nearest: "最近空闲", kind_place: "类型与地点", on_shift: "在岗",
    needs_decision: "待决定", oldest_waiting: "最久已等 {d}",
    waiting_too_long: "等待超时", waiting_alarm: "{n} 起等待超时",
    people_at_risk: "受威胁人数", last_hour: "近一小时", whole_operation: "整个行动",
    available_by_need: "空闲且有资质（按需求）", activities: "服务活动",
    activity_hours: "活动时长（时）", hornet_nests: "马蜂窝",
    nobody_free: "无空闲人员", free_unplaced: "{n} 人空闲，位置未知", can_be_sent: "可派遣", off_duty_n: "未值班（{n}）",
    min_sec: "{m} 分 {s} 秒", report_link: "总结报告", field_time: "现场时间", operation_id: "行动编号",
    a_volunteer: "一名志愿者", command_centre: "指挥中心（{id}）", message_to_team: "发消息给本警情的志愿者",
    send: "发送", message_sent: "消息已发送", assessment: "研判", team: "处置人员",
    messages: "消息", timeline: "时间线", not_assessed: "尚未研判。", outcome: "处置结果",
    no_messages: "暂无消息。", no_images: "暂无图片。", nobody_assigned: "尚未派遣人员。",
    severity_full: "等级", summary: "摘要", count: "人数", destination: "转移至",
    reported_at: "{at} 报警", sent_at: "{at} 派出", arrived_at: "{at} 到场",
    act_dispatch: "派遣…", act_assess: "研判", act_evacuation: "登记转移",
    act_rescue: "登记救出", act_resolve: "处置完毕", act_close: "关闭警情", act_release: "撤回",
    assessed_ok: "研判已记录", recorded_ok: "已记录", resolved_ok: "警情已处置",
    closed_ok: "警情已关闭", released_ok: "已撤回 {name}",
    tl_reported: "报警：{kind}，等级 {severity}", tl_assessed: "研判：{summary}",
    tl_dispatched: "派遣 {name}", tl_dispatch_refused: "派遣 {name} 被拒：{reason}",
    tl_arrived: "{name} 到场", tl_released: "撤回 {name}", tl_evacuated: "转移 {n} 人至 {where}",
    tl_coming: "{name}：正在赶来，约 {eta} 分钟", tl_not_coming: "{name}：无法前往（{reason}）",
    coming_in: "正在赶来，约 {eta} 分钟", not_coming: "无法前往：{reason}",
    tl_rescued: "救出 {n} 人", tl_message: "消息：{text}", tl_image: "新增图片", tl_resolved: "处置完毕：{outcome}",
    volunteer_panel: "志愿者：{name}", enrol_phone: "绑定手机",
    enrol_help: "为该志愿者的手机生成一次性链接：用手机相机扫码，或发送链接。",
    link_valid_for: "链接有效期", minutes_n: "{n} 分钟", hour_one: "1 小时", day_one: "1 天",
    copy_link: "复制链接", link_copied: "链接已复制", copy_failed: "无法复制，请手动选择链接",
    qr_alt: "{name} 的绑定链接二维码", scan_or_open: "用手机扫码，或在手机上打开此链接：",
    link_expires: "仅可使用一次，有效至 {when}", phones_signed_in: "已登录的手机",
    no_phones: "没有已登录的手机。", a_phone: "手机", token_issued: "{at} 起 · 至 {until}",
    revoke_lost: "吊销（手机丢失）", revoke_reason: "原因", lost_phone: "手机丢失",
    revoke_confirm: "立即吊销", revoked_ok: "令牌已吊销，该手机已退出登录",
    links_made: "绑定链接", no_links: "尚未生成链接。", link_made: "{at} 生成",
    link_used: "{at} 已被手机使用", link_cancelled: "{at} 已撤回", link_expired: "{at} 已过期",
    link_waiting: "尚未使用，有效至 {at}", withdraw_link: "撤回", link_withdrawn: "链接已撤回",
    checkons: "探访：尚未确认", start_round: "开始探访", another_round: "再次探访",
    start_round_title: "探访：{area}", round_for: "{area} 登记的全部对象",
    who_checks: "探访人员（在岗）", nobody_on_shift: "本行动中无人在岗。",
    choose_someone: "请至少选择一名志愿者。", round_started: "{area} 探访已开始",
    area_counts: "登记 {entries} 个 · {people} 人", not_checked_n: "{n} 个尚未确认",
    round_on: "探访中（{n} 人）", no_round: "尚未探访", on_round: "探访中",
    people_n: "{n} 人", all_checked: "所有登记对象均已确认。",
    register_empty: "登记册为空。",
    round_found: "结果：平安 {safe} · 转移 {evacuated} 人 · 需要帮助 {help}",
  },
};

export const TERMS = {
  en: {
    fire: "fire", flood: "flood", trapped_persons: "trapped persons", water_rescue: "water rescue",
    hornet_nest: "hornet nest", road_blocked: "road blocked", medical: "medical", other: "other",
    reported: "reported", dispatched: "dispatched", on_scene: "on scene", resolved: "resolved",
    closed: "closed", available: "available", off_duty: "off duty",
    first_aid: "first aid", search_and_rescue: "search and rescue", fire_support: "fire support",
    hazard_inspection: "hazard inspection", hornet_removal: "hornet removal",
    road_clearance: "road clearance", publicity: "publicity",
    found: "found", ordered: "ordered", self_checked: "self-checked", rectified: "rectified",
    verified: "verified", reinspection_failed: "re-inspection failed",
    typhoon: "typhoon", programme: "programme", drill: "drill", open: "open",
    commander: "commander", volunteer: "volunteer", observer: "observer",
    elderly_alone: "elderly living alone", bedridden: "bed-ridden", disabled: "disabled",
    children_facility: "children's facility", old_building: "old building",
  },
  zh: {
    fire: "火灾", flood: "内涝", trapped_persons: "人员被困", water_rescue: "水域救援",
    hornet_nest: "马蜂窝", road_blocked: "道路阻断", medical: "医疗", other: "其他",
    reported: "已报告", dispatched: "已派遣", on_scene: "已到场", resolved: "已处置",
    closed: "已关闭", available: "待命", off_duty: "未值班",
    first_aid: "急救", search_and_rescue: "搜救", fire_support: "消防辅助",
    hazard_inspection: "隐患检查", hornet_removal: "摘除马蜂窝",
    road_clearance: "道路清障", publicity: "宣传",
    found: "发现", ordered: "责令整改", self_checked: "自查", rectified: "已整改",
    verified: "已复核", reinspection_failed: "复查未通过",
    typhoon: "台风", programme: "年度工作", drill: "演练", open: "进行中",
    commander: "指挥员", volunteer: "志愿者", observer: "观察员",
    elderly_alone: "独居老人", bedridden: "卧床", disabled: "残疾人",
    children_facility: "儿童机构", old_building: "老旧建筑",
  },
};

let language = localStorage.getItem("brigade.language") === "zh" ? "zh" : "en";
const listeners = [];

export function lang() {
  return language;
}

export function t(key, vars = {}) {
  const text = LABELS[language][key] ?? LABELS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** A value of the domain (a kind, a status, a service domain) in the chosen language. */
export function term(value) {
  if (value == null) return "";
  return TERMS[language][value] ?? TERMS.en[value] ?? String(value).replaceAll("_", " ");
}

export function setLanguage(next) {
  language = next === "zh" ? "zh" : "en";
  localStorage.setItem("brigade.language", language);
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  translate(document);
  for (const listener of listeners) listener(language);
}

export function onLanguage(listener) {
  listeners.push(listener);
}

/** Fill every element marked data-i18n with its label. */
export function translate(root) {
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  // Words in attributes: a hover title, a box's placeholder.
  for (const element of root.querySelectorAll("[data-i18n-title]")) element.title = t(element.dataset.i18nTitle);
  for (const element of root.querySelectorAll("[data-i18n-placeholder]")) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
    element.setAttribute("aria-label", element.placeholder);
  }
}

/** How long ago, in words: "42 s", "7 min", "2 h 5 min". */
export function since(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return t("sec", { n: s });
  if (s < 3600) return t("min", { n: Math.floor(s / 60) });
  if (s < 86400) return t("hr", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
  return t("day", { n: Math.floor(s / 86400) });
}

/** A response time to the second: "6 min 12 s", so that a median's moves show. */
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t("sec", { n: s });
  if (s < 3600) return t("min_sec", { m: Math.floor(s / 60), s: s % 60 });
  return since(s);
}

// The map's own labels (map.js, basemap.js).
Object.assign(LABELS.en, { map_cluster: "grouped incidents" });
Object.assign(LABELS.zh, { map_cluster: "聚合警情" });

// "安吉路128号 (128 Anji Road)": the Chinese, then the pinyin in brackets.
const BOTH = /^(.*[\u3400-\u9fff].*?)\s*[(（]([^()（）]+)[)）]\s*$/u;

/** A place as the field wrote it, in the chosen language: the Chinese of a
 * "中文 (pinyin)" address in Chinese, the pinyin in English; other text as it is. */
export function place(text) {
  if (text == null) return "";
  const both = BOTH.exec(String(text));
  if (!both) return String(text);
  return language === "zh" ? both[1] : both[2].trim();
}
