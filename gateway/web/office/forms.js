// The office's forms: each sends one of the domain's commands, with its id made
// once (a retry is the same command), and says the outcome in words.

import { office, refresh, refusal, say, t } from "/web/office/office.js";

const $ = (selector) => document.querySelector(selector);

async function send(name, body) {
  try {
    await office.api.command(name, body);
    say(t("done"), true);
    await refresh();
    return true;
  } catch (error) {
    say(refusal(error));
    return false;
  }
}

function on(selector, handler) {
  $(selector).addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const done = await handler(new FormData(form), event.submitter);
    if (done && form.dataset.reset !== "no") form.reset();
  });
}

/** The end of the chosen day in China, as the domain wants: a time with its zone. */
function endOfDay(date) {
  return `${date}T23:59:00+08:00`;
}

export function wire() {
  on("#vetting-form", (data, submitter) => send("DecideVetting", {
    volunteer_id: office.selected, approved: submitter?.value === "yes", reason: data.get("reason") || "",
  }));
  on("#course-form", (data) => send("RecordCourse", {
    volunteer_id: office.selected, course: data.get("course"),
    passed: data.get("passed") === "on", score: Number(data.get("score") || 0),
  }));
  on("#insurance-form", (data) => send("RecordInsurance", {
    volunteer_id: office.selected, policy: data.get("policy"), valid_until: endOfDay(data.get("until")),
  }));
  on("#grade-form", (data) => send("ChangeGrade", { volunteer_id: office.selected, grade: data.get("grade") }));
  on("#register-form", (data) => send("RegisterVolunteer", {
    name: data.get("name"), contact: data.get("contact"), community: data.get("community") || "",
    domains: data.getAll("domains"),
  }));
  on("#define-form", (data) => send("DefineCourse", {
    course: data.get("course"), title: data.get("title"), required: data.get("required") === "on",
    domain: data.get("domain") || null,
  }));
  $("#owners").addEventListener("click", async (event) => {
    const button = event.target.closest("button.owner-link");
    if (!button) return;
    try {
      const { result } = await office.api.command("IssueOwnerToken", {
        premises_id: button.dataset.premises, name: button.dataset.name,
      });
      // The SVG drawn by the server, shown as an image: no markup of it enters the page.
      $("#notice-qr").src = `data:image/svg+xml;base64,${btoa(result.qr_svg)}`;
      $("#notice-name").textContent = button.dataset.name;
      // The token is the owner's key: shown cut short, whole only in the QR code.
      $("#notice-link").textContent = `${result.link.slice(0, result.link.indexOf("#token=") + 19)}…`;
      $("#notice-link").href = result.link;
      $("#notice").hidden = false;
      say(t("done"), true);
    } catch (error) {
      say(refusal(error));
    }
  });
  $("#notice-print").addEventListener("click", () => window.print());
  $("#catalogue").addEventListener("click", (event) => {
    const button = event.target.closest("button.retire");
    if (button) send("RetireCourse", { course: button.dataset.course });
  });
}
