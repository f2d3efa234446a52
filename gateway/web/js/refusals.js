// The domain's refusals in a duty officer's words, by their stable code
// (domain/errors.py Code; docs/domain.md's error-code table). In Chinese the words
// come first and the server's own message, when it says more, in brackets after
// them; in English the server's message is shown as it is. The field app has its
// own volunteer-phrased table (field/js/i18n.js CODES).

import { lang } from "./i18n.js";

export const REFUSALS = {
  en: {
    invalid_value: "a value is missing or wrong", field_time_in_future: "the field time is in the future",
    field_time_invalid: "the field time is not valid", unknown_command: "no such command",
    operation_not_found: "no such operation", incident_not_found: "no such incident",
    volunteer_not_found: "no such volunteer", premises_not_found: "no such premises",
    hazard_not_found: "no such hazard", token_not_found: "no such token",
    role_not_allowed: "your role may not do this", not_yourself: "only for oneself",
    not_assigned: "not dispatched to this incident",
    already_exists: "already exists", operation_closed: "the operation is closed",
    incident_closed: "the incident is closed", incident_resolved: "the incident is already resolved",
    incident_not_resolved: "the incident is not resolved yet", already_dispatched: "already dispatched to this incident",
    not_dispatched: "not dispatched to this incident", already_arrived: "already on scene",
    not_vetted: "not vetted yet", vetting_already_decided: "vetting already decided",
    training_incomplete: "basic training not complete", not_qualified: "not qualified for this kind of incident",
    not_insured: "not insured", off_shift: "not on shift", already_on_shift: "already on shift",
    busy: "still dispatched to another incident", hazard_closed: "the hazard is closed",
    hazard_wrong_state: "not the next step for this hazard", already_revoked: "the token is already revoked",
    enrolment_not_found: "no such enrolment link", enrolment_used: "the enrolment link was already used",
    enrolment_expired: "the enrolment link has expired", enrolment_cancelled: "the enrolment link was withdrawn",
    not_your_premises: "not your premises", not_inspector: "you did not inspect these premises",
    course_not_found: "no such course", course_retired: "the course is retired",
    reminder_not_found: "no such reminder", device_not_found: "no such device",
    already_linked: "the device is already linked", not_linked: "the device is not linked",
    warning_not_found: "no such warning", warning_cancelled: "the warning is cancelled",
    person_not_found: "no such person", already_erased: "already erased",
    vulnerable_not_found: "no such register entry", round_not_found: "no such check-on round",
    not_on_round: "not on this check-on round", not_in_area: "outside the round's area",
    person_erased: "this person's data was erased",
  },
  zh: {
    invalid_value: "有数值缺失或有误", field_time_in_future: "现场时间晚于当前时间",
    field_time_invalid: "现场时间无效", unknown_command: "没有这条指令",
    operation_not_found: "没有这次行动", incident_not_found: "没有这起警情",
    volunteer_not_found: "没有这名志愿者", premises_not_found: "没有这处场所",
    hazard_not_found: "没有这处隐患", token_not_found: "没有这个令牌",
    role_not_allowed: "当前角色无此权限", not_yourself: "只能为本人操作",
    not_assigned: "未派往这起警情",
    already_exists: "已存在", operation_closed: "行动已结束",
    incident_closed: "警情已关闭", incident_resolved: "警情已处置完毕",
    incident_not_resolved: "警情尚未处置完毕", already_dispatched: "已派往这起警情",
    not_dispatched: "未派往这起警情", already_arrived: "已到场",
    not_vetted: "尚未通过审核", vetting_already_decided: "已审核过",
    training_incomplete: "基础培训未完成", not_qualified: "不具备此类警情的资质",
    not_insured: "无有效保险", off_shift: "不在岗", already_on_shift: "已在岗",
    busy: "仍在处置另一起警情", hazard_closed: "隐患已关闭",
    hazard_wrong_state: "隐患流程不在这一步", already_revoked: "令牌已吊销",
    enrolment_not_found: "没有这个登记链接", enrolment_used: "登记链接已被使用",
    enrolment_expired: "登记链接已过期", enrolment_cancelled: "登记链接已撤回",
    not_your_premises: "不是您的场所", not_inspector: "您未排查过这处场所",
    course_not_found: "目录中没有这门课程", course_retired: "课程已停开",
    reminder_not_found: "没有这条提醒", device_not_found: "没有这台设备",
    already_linked: "设备已绑定", not_linked: "设备未绑定",
    warning_not_found: "没有这条预警", warning_cancelled: "预警已取消",
    person_not_found: "没有这个人", already_erased: "已删除",
    vulnerable_not_found: "名册中没有这条记录", round_not_found: "没有这轮走访",
    not_on_round: "不在这轮走访人员中", not_in_area: "不在这轮走访的片区内",
    person_erased: "此人的资料已删除",
  },
};

/** Whether the server's message says more than the code's own words. */
function saysMore(code, message) {
  const plain = message.trim().replace(/[.。:：]+$/u, "").toLowerCase();
  return Boolean(plain) && ![code, code.replaceAll("_", " "), REFUSALS.en[code]].includes(plain);
}

/** A refusal ({ code, message }) in words: in Chinese the code's words, then the
 * server's detail in brackets; in English, and for an unknown code, the message. */
export function refusal(error, language = lang()) {
  const code = error?.code ?? "";
  const message = String(error?.message ?? "");
  const words = REFUSALS[language]?.[code];
  if (language !== "zh" || !words) return message || REFUSALS.en[code] || code;
  return saysMore(code, message) ? `${words}（${message}）` : words;
}
