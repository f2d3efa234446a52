// The field app's words in Chinese and English: Chinese when the phone speaks it,
// unless the volunteer chose otherwise (kept in localStorage).

export const LABELS = {
  en: {
    app: "Field", online: "online", offline: "offline", connecting: "connecting…",
    waiting: "{n} waiting", nothing_waiting: "all sent", on_shift: "on shift", off_shift: "off shift",
    tab_me: "Me", tab_job: "Task", tab_report: "Report", tab_daily: "Daily work", tab_outbox: "Outbox",
    signed_out: "Signed out", sign_in_help: "Open the enrolment link your commander gave you, or paste a token.",
    token: "Token", sign_in: "Sign in", sign_out: "Sign out on this phone", enrolling: "Enrolling this phone…",
    why_revoked: "This phone's token was revoked: ask your commander for a new enrolment link.",
    why_expired: "This phone's token has expired: ask your commander for a new enrolment link.",
    why_invalid: "This server does not know this token: ask your commander for a new enrolment link.",
    why_missing: "No token on this phone yet.",
    enrol_failed: "The enrolment link did not work: {why}",
    not_volunteer: "This is not a volunteer's token.",
    severity_label: "Severity", operation: "Operation", no_operation: "no open operation known yet",
    start_shift: "Start shift", end_shift: "End shift",
    share_position: "Share my position", stop_sharing: "Stop sharing my position", sharing: "Sharing position", not_sharing: "Position not shared",
    accuracy: "accuracy ±{m} m", no_fix: "no position yet", geo_denied: "Location is off for this page.",
    no_assignment: "No assignment. You will see it here the moment a commander dispatches you.",
    dispatched_to: "Dispatched", severity: "severity {n}", team: "On it with you", nobody_else: "nobody else yet",
    route_so_far: "Route guided so far", no_route: "no route guided yet", distance: "{d} from here",
    on_my_way: "On my way", eta: "ETA {n} min", cannot_go: "Cannot go", reason: "Reason", send: "Send",
    arrived: "Arrived", assessment: "On-site assessment", summary: "Summary", people_at_risk: "People at risk",
    route_guided: "Route guided (my track)", road_cleared: "Road cleared (my track)",
    evacuated: "People evacuated", count: "How many", destination: "To where", rescued: "People rescued",
    photo: "Photo", caption: "Caption", take_photo: "Take a photo", messages: "Messages", message: "Message",
    released: "You were released from this incident.", resolved: "This incident is resolved.",
    answer_coming: "You answered: on your way", answer_declined: "You answered: cannot go",
    sos: "SOS: I need help", sos_confirm: "Tap again to send SOS", sos_sent: "SOS sent: the command centre sees you at the top of its board",
    sos_hint: "Two taps: it reaches the command centre with where you are. In danger to life, call 119 too.",
    sos_no_operation: "No operation to send an SOS to: call 119.",
    sos_no_fix: "No position on this phone yet, so no SOS: call 119.", sos_kind: "My SOS",
    my_reports: "My reports", report_reported: "nobody sent yet", report_dispatched: "help is on the way",
    report_on_scene: "help has arrived", report_resolved: "resolved", report_closed: "closed",
    nobody_sent: "Nobody sent yet: the command centre has it.", coming_eta: "on the way · ETA {n} min",
    not_coming: "cannot go", sent_no_answer: "sent, no answer yet", arrived_there: "arrived",
    help_coming: "Help is on the way: see My reports",
    report_here: "Report an incident where I stand", kind: "Kind", address: "Address",
    description: "Description", report: "Report", here: "here: {lat}, {lon}", need_fix: "Waiting for a position…",
    premises_nearby: "Premises nearby", no_premises: "No premises known nearby.",
    register_premises: "Register premises here", name: "Name", category: "Category", owner: "Owner",
    inspect: "Inspection", checklist: "Checklist", note: "Note", record: "Record",
    hazard: "Hazard found", reinspect: "Re-inspection", passed: "Passed", failed: "Failed",
    activity: "Service activity", hours: "Hours", participants: "Participants", me_only: "me",
    log: "Log", save: "Save", queued: "Kept in the outbox: it goes when the network lets it.",
    outbox_empty: "Nothing has been sent from this phone yet.",
    state_waiting: "waiting", state_sending: "sending", state_done: "stored", state_refused: "refused",
    language: "English", km: "{d} km", m: "{d} m", ok: "OK",
    // what each outbox entry is
    StartShift: "Start shift", EndShift: "End shift", ReportPosition: "Position",
    RecordArrival: "Arrived", AssessIncident: "Assessment", GuideRoute: "Route guided",
    ClearRoad: "Road cleared", RecordEvacuation: "Evacuated {count}", RecordRescue: "Rescued {count}",
    RecordImage: "Photo", PostMessage: "Message", ReportIncident: "New incident",
    RegisterPremises: "Premises registered", InspectPremises: "Inspection", RecordHazard: "Hazard",
    ReinspectHazard: "Re-inspection", LogServiceActivity: "Service activity",
    AnswerDispatch: "Answer", RespondToDispatch: "Answer",
    // warnings and check-on rounds
    warnings: "Warnings", warning_new: "New warning", warning_raised: "Warning raised", dismiss: "OK, seen",
    warning_until: "until {t}", warning_level: "{level} warning",
    red: "Red", orange: "Orange", yellow: "Yellow", blue: "Blue",
    tab_round: "Round", my_round: "My round", round_area: "Area: {area}", round_left: "{n} left to check",
    round_none: "No check-on round. You will see it here when a commander starts one with you.",
    needs: "Needs", people: "{n} people", risk: "risk {n}", contact: "Contact",
    check_safe: "Safe", check_evacuated: "Evacuated", check_needs_help: "Needs help",
    outcome_safe: "safe", outcome_evacuated: "evacuated {count} → {destination}", outcome_needs_help: "needs help",
    check_sent: "sent: {what}", help_note: "What is needed", round_new: "New check-on round",
    RecordCheck: "Check-on: {outcome}",
  },
  zh: {
    app: "现场", online: "在线", offline: "离线", connecting: "连接中…",
    waiting: "{n} 条待发", nothing_waiting: "已全部发送", on_shift: "值班中", off_shift: "未值班",
    tab_me: "我", tab_job: "任务", tab_report: "报警", tab_daily: "日常", tab_outbox: "待发",
    signed_out: "已退出", sign_in_help: "请打开指挥员给你的登记链接，或粘贴令牌。",
    token: "令牌", sign_in: "登录", sign_out: "在本机退出", enrolling: "正在登记本机…",
    why_revoked: "本机令牌已被吊销：请向指挥员申请新的登记链接。",
    why_expired: "本机令牌已过期：请向指挥员申请新的登记链接。",
    why_invalid: "服务器不认识此令牌：请向指挥员申请新的登记链接。",
    why_missing: "本机还没有令牌。",
    enrol_failed: "登记链接无效：{why}",
    not_volunteer: "这不是志愿者的令牌。",
    severity_label: "等级", operation: "行动", no_operation: "暂无进行中的行动",
    start_shift: "开始值班", end_shift: "结束值班",
    share_position: "共享我的位置", stop_sharing: "停止共享位置", sharing: "正在共享位置", not_sharing: "未共享位置",
    accuracy: "精度 ±{m} 米", no_fix: "尚无定位", geo_denied: "本页面的定位已关闭。",
    no_assignment: "暂无任务。指挥员派遣你时，任务会立即显示在这里。",
    dispatched_to: "已派遣", severity: "等级 {n}", team: "同行队员", nobody_else: "暂无其他人",
    route_so_far: "已引导路线", no_route: "尚无引导路线", distance: "距此 {d}",
    on_my_way: "我在路上", eta: "预计 {n} 分钟", cannot_go: "无法前往", reason: "原因", send: "发送",
    arrived: "已到场", assessment: "现场评估", summary: "概况", people_at_risk: "受威胁人数",
    route_guided: "引导路线（我的轨迹）", road_cleared: "道路已清障（我的轨迹）",
    evacuated: "转移人数", count: "人数", destination: "转移至", rescued: "救出人数",
    photo: "照片", caption: "说明", take_photo: "拍照", messages: "消息", message: "消息",
    released: "你已从此警情撤回。", resolved: "此警情已处置完毕。",
    answer_coming: "你已回复：在路上", answer_declined: "你已回复：无法前往",
    sos: "求救：我需要帮助", sos_confirm: "再点一次发出求救", sos_sent: "求救已发出：指挥中心在警情板最上方看到你",
    sos_hint: "点两次：连同你的位置发到指挥中心。危及生命时，请同时拨打119。",
    sos_no_operation: "没有可求救的行动：请拨打119。",
    sos_no_fix: "手机尚未定位，无法发出求救：请拨打119。", sos_kind: "我的求救",
    my_reports: "我的报告", report_reported: "尚未派人", report_dispatched: "救援正在路上",
    report_on_scene: "救援已到达", report_resolved: "已处置", report_closed: "已关闭",
    nobody_sent: "尚未派人：指挥中心已收到。", coming_eta: "正在赶来 · 预计{n}分钟",
    not_coming: "无法前往", sent_no_answer: "已派出，尚未回复", arrived_there: "已到达",
    help_coming: "救援正在路上：见“我的报告”",
    report_here: "在我所在位置报警", kind: "类型", address: "地址",
    description: "描述", report: "报告", here: "位置：{lat}, {lon}", need_fix: "正在等待定位…",
    premises_nearby: "附近场所", no_premises: "附近暂无已知场所。",
    register_premises: "在此登记场所", name: "名称", category: "类别", owner: "业主",
    inspect: "检查", checklist: "检查项", note: "备注", record: "记录",
    hazard: "发现隐患", reinspect: "复查", passed: "通过", failed: "未通过",
    activity: "志愿服务", hours: "小时", participants: "参与人", me_only: "我",
    log: "登记", save: "保存", queued: "已存入待发箱：有网络时自动发送。",
    outbox_empty: "本机尚未发送任何内容。",
    state_waiting: "待发", state_sending: "发送中", state_done: "已保存", state_refused: "被拒绝",
    language: "中文", km: "{d} 公里", m: "{d} 米", ok: "确定",
    StartShift: "开始值班", EndShift: "结束值班", ReportPosition: "位置",
    RecordArrival: "已到场", AssessIncident: "现场评估", GuideRoute: "引导路线",
    ClearRoad: "道路清障", RecordEvacuation: "转移 {count} 人", RecordRescue: "救出 {count} 人",
    RecordImage: "照片", PostMessage: "消息", ReportIncident: "新警情",
    RegisterPremises: "登记场所", InspectPremises: "检查", RecordHazard: "隐患",
    ReinspectHazard: "复查", LogServiceActivity: "志愿服务",
    AnswerDispatch: "回复", RespondToDispatch: "回复",
    warnings: "预警", warning_new: "新预警", warning_raised: "预警升级", dismiss: "知道了",
    warning_until: "至 {t}", warning_level: "{level}预警",
    red: "红色", orange: "橙色", yellow: "黄色", blue: "蓝色",
    tab_round: "走访", my_round: "我的走访", round_area: "片区：{area}", round_left: "还有 {n} 户待走访",
    round_none: "暂无走访任务。指挥员安排你走访时会显示在这里。",
    needs: "需求", people: "{n} 人", risk: "风险 {n}", contact: "联系方式",
    check_safe: "平安", check_evacuated: "已转移", check_needs_help: "需要帮助",
    outcome_safe: "平安", outcome_evacuated: "已转移 {count} 人 → {destination}", outcome_needs_help: "需要帮助",
    check_sent: "已提交：{what}", help_note: "需要什么帮助", round_new: "新的走访任务",
    RecordCheck: "走访：{outcome}",
  },
};

// Values the server sends (kinds, states, refusal codes), in words.
export const TERMS = {
  en: {
    fire: "fire", flood: "flood", trapped_persons: "trapped persons", water_rescue: "water rescue",
    hornet_nest: "hornet nest", road_blocked: "road blocked", medical: "medical", other: "other",
    reported: "reported", dispatched: "dispatched", on_scene: "on scene", resolved: "resolved",
    closed: "closed", publicity: "publicity", drill: "drill", patrol: "patrol",
    facility_maintenance: "facility maintenance", vulnerable_registration: "vulnerable-people registration",
    found: "found", ordered: "ordered", self_checked: "self-checked", rectified: "rectified",
    verified: "verified", reinspection_failed: "re-inspection failed",
    exits_clear: "exits clear", extinguishers_ok: "extinguishers in date", alarms_work: "alarms work",
    wiring_safe: "wiring safe", no_corridor_storage: "corridors free of storage",
    elderly_alone: "elderly, alone", bedridden: "bedridden", disabled: "disabled",
    children_facility: "children's facility", old_building: "old building",
    safe: "safe", evacuated: "evacuated", needs_help: "needs help",
  },
  zh: {
    fire: "火灾", flood: "内涝", trapped_persons: "人员被困", water_rescue: "水域救援",
    hornet_nest: "马蜂窝", road_blocked: "道路阻断", medical: "医疗", other: "其他",
    reported: "已报告", dispatched: "已派遣", on_scene: "已到场", resolved: "已处置",
    closed: "已关闭", publicity: "宣传", drill: "演练", patrol: "巡查",
    facility_maintenance: "设施维护", vulnerable_registration: "弱势人群登记",
    found: "发现", ordered: "责令整改", self_checked: "自查", rectified: "已整改",
    verified: "已复核", reinspection_failed: "复查未通过",
    exits_clear: "安全出口畅通", extinguishers_ok: "灭火器在有效期内", alarms_work: "报警器正常",
    wiring_safe: "电线安全", no_corridor_storage: "走道无堆放",
    elderly_alone: "独居老人", bedridden: "卧床", disabled: "残疾人",
    children_facility: "儿童机构", old_building: "老旧建筑",
    safe: "平安", evacuated: "已转移", needs_help: "需要帮助",
  },
};

// Refusals by their stable code (docs/domain.md): what the volunteer reads.
export const CODES = {
  en: {
    not_insured: "not insured at this time", off_shift: "you are not on shift",
    already_on_shift: "you are already on shift", busy: "you are still dispatched to an incident",
    not_vetted: "your vetting is not approved", training_incomplete: "a required course is missing",
    not_qualified: "not qualified for this kind of incident", not_assigned: "you are not dispatched to this incident",
    not_yourself: "a volunteer can only act as themselves", role_not_allowed: "volunteers may not do this",
    incident_closed: "the incident is closed", incident_resolved: "the incident is already resolved",
    operation_closed: "the operation is closed", already_arrived: "arrival already recorded",
    not_dispatched: "you are not dispatched here", hazard_closed: "the hazard is closed",
    hazard_wrong_state: "the hazard is not waiting for this step", invalid_value: "a value is wrong",
    incident_not_found: "no such incident", premises_not_found: "no such premises",
    operation_not_found: "no such operation", hazard_not_found: "no such hazard",
    too_large: "the photo is too large", unsupported_media_type: "not a photo the server takes",
    unreadable_image: "the photo cannot be read", field_time_in_future: "the phone's clock is ahead",
    already_exists: "already recorded", unauthenticated: "signed out",
    enrolment_unknown: "this server did not make that code", enrolment_not_found: "this server did not make that code",
    enrolment_used: "the code was already used", enrolment_expired: "the code has expired",
    enrolment_cancelled: "the code was withdrawn", not_answerable: "this dispatch can no longer be answered",
    not_on_round: "you are not on this check-on round",
  },
  zh: {
    not_insured: "当前未投保", off_shift: "你不在值班中",
    already_on_shift: "你已在值班中", busy: "你仍在执行派遣任务",
    not_vetted: "你的审核未通过", training_incomplete: "缺少必修课程",
    not_qualified: "不具备此类警情的资质", not_assigned: "你未被派往此警情",
    not_yourself: "志愿者只能以本人身份操作", role_not_allowed: "志愿者无权执行此操作",
    incident_closed: "警情已关闭", incident_resolved: "警情已处置完毕",
    operation_closed: "行动已结束", already_arrived: "已记录到场",
    not_dispatched: "你未被派往此处", hazard_closed: "隐患已关闭",
    hazard_wrong_state: "隐患当前不在此步骤", invalid_value: "填写内容有误",
    incident_not_found: "找不到该警情", premises_not_found: "找不到该场所",
    operation_not_found: "找不到该行动", hazard_not_found: "找不到该隐患",
    too_large: "照片过大", unsupported_media_type: "服务器不接受此照片格式",
    unreadable_image: "照片无法读取", field_time_in_future: "手机时钟超前",
    already_exists: "已记录", unauthenticated: "已退出",
    enrolment_unknown: "此服务器未生成该登记码", enrolment_not_found: "此服务器未生成该登记码",
    enrolment_used: "登记码已被使用", enrolment_expired: "登记码已过期",
    enrolment_cancelled: "登记码已被撤销", not_answerable: "此派遣已无法回复",
    not_on_round: "你不在此走访任务中",
  },
};

const KEY = "brigade.field.language";
let language = pick();

function pick() {
  const chosen = localStorage.getItem(KEY);
  if (chosen === "zh" || chosen === "en") return chosen;
  const spoken = navigator.languages?.length ? navigator.languages : [navigator.language];
  return spoken.some((tag) => /^zh\b/i.test(tag || "")) ? "zh" : "en";
}

export function lang() {
  return language;
}

/** A label, with {name} filled from vars. */
export function t(key, vars = {}) {
  const text = LABELS[language][key] ?? LABELS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** A value the server sends, in words. */
export function term(value) {
  if (value == null) return "";
  return TERMS[language][value] ?? TERMS.en[value] ?? String(value).replaceAll("_", " ");
}

/** A refusal in words: the code's own words, else the server's message. */
export function refusal(code, message) {
  return CODES[language][code] ?? CODES.en[code] ?? message ?? code;
}

export function setLanguage(next) {
  language = next === "zh" ? "zh" : "en";
  localStorage.setItem(KEY, language);
  apply();
}

/** Fill every [data-i18n] element's text (and [data-i18n-placeholder]). */
export function apply(root = document) {
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-placeholder]")) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  for (const node of root.querySelectorAll("[data-term]")) node.textContent = term(node.dataset.term);
}

/** A distance in words: metres under a kilometre. */
export function distance(metres) {
  if (metres < 1000) return t("m", { d: Math.round(metres) });
  return t("km", { d: (metres / 1000).toFixed(1) });
}
