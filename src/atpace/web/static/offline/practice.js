// atpace offline practice: keeps a batch of items in IndexedDB while online, and when the connection
// drops, checks answers in the browser (checker.js: the server's rules), queues them with their
// client_attempt_id and time, says how many wait, and sends them in order when the connection returns.
// The server checks every answer again and alone decides mastery (docs/offline.md).
//
// Runs on the practice page (/practice) and on the offline shell (/practice/offline) that the service
// worker serves when a page cannot be loaded. Plain ES module, no build step.
import { checkAnswer } from "./checker.js";
import * as store from "./store.js";

const BATCH_MAX_AGE_MS = 10 * 60 * 1000; // refresh the batch after this long online
const SYNC_CHUNK = 50; // answers per request (the server takes at most 100)
const LETTERS = "ABCDEFGHIJKL";

const root = document.getElementById("offline-practice");
const statusLine = document.getElementById("sync-status");
let studentId = null;
let offlineMode = false; // the page shows items from the batch, not from the server
let syncing = null;

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

async function showStatus(extra = "") {
  if (!statusLine || studentId === null) return;
  const waiting = (await store.queued(studentId)).length;
  let text;
  if (waiting) text = `${plural(waiting, "answer")} waiting to sync`;
  else if (!navigator.onLine) text = "You are offline: your answers are kept on this device until you reconnect";
  else text = extra || "";
  statusLine.textContent = text;
  statusLine.dataset.waiting = String(waiting);
  statusLine.hidden = !text;
}

// ---- the batch ---------------------------------------------------------------------------------------

async function fetchJSON(url, options = {}) {
  const response = await fetch(url, { credentials: "same-origin", ...options });
  if (!response.ok) {
    const error = new Error(`${response.status} ${url}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

async function refreshBatch(currentItem, currentSkill) {
  let batch = await store.getBatch(studentId);
  if (!batch || Date.now() - batch.fetched_at > BATCH_MAX_AGE_MS) {
    batch = { ...(await fetchJSON("/api/offline/batch")), fetched_at: Date.now() };
  }
  if (currentItem && !findItem(batch, currentItem)) {
    const item = await fetchJSON(`/api/offline/items/${currentItem}?skill_key=${encodeURIComponent(currentSkill)}`);
    let skill = batch.skills.find((s) => s.key === item.skill_key);
    if (!skill) {
      skill = { key: item.skill_key, name: root.dataset.skillName || item.skill_key, mastery: 0, items: [] };
      batch.skills.push(skill);
    }
    skill.items.unshift(item);
  }
  await store.putBatch(batch);
  return batch;
}

function findItem(batch, itemId) {
  for (const skill of batch.skills) {
    const item = skill.items.find((i) => i.item_id === itemId);
    if (item) return { skill, item };
  }
  return null;
}

async function usedItems() {
  const seen = new Set(await store.getMeta(`seen:${studentId}`, []));
  for (const answer of await store.queued(studentId)) seen.add(answer.item_id);
  return seen;
}

async function markSeen(itemId) {
  const seen = await store.getMeta(`seen:${studentId}`, []);
  if (!seen.includes(itemId)) {
    seen.push(itemId);
    await store.setMeta(`seen:${studentId}`, seen.slice(-500));
  }
}

async function nextLocalItem(preferredSkill) {
  const batch = await store.getBatch(studentId);
  if (!batch) return null;
  const used = await usedItems();
  const skills = [...batch.skills].sort((a, b) => (b.key === preferredSkill) - (a.key === preferredSkill));
  for (const skill of skills) {
    const item = skill.items.find((i) => !used.has(i.item_id));
    if (item) return { skill, item };
  }
  return null;
}

// ---- answering offline ---------------------------------------------------------------------------------

function readForm(form) {
  const data = new FormData(form);
  const picked = data.getAll("picked").filter((p) => p);
  const timer = form.querySelector("input[data-timer]");
  const started = Number(form.dataset.started || 0);
  let duration = timer && timer.value ? Number(timer.value) : null;
  if (started) duration = Date.now() - started;
  return {
    item_id: Number(data.get("item_id")),
    skill_key: String(data.get("skill_key") || ""),
    client_attempt_id: String(data.get("client_attempt_id") || crypto.randomUUID()),
    response: picked.length ? picked.join("\n") : String(data.get("response") || ""),
    duration_ms: duration === null || Number.isNaN(duration) ? null : Math.min(Math.max(0, Math.round(duration)), 86400000),
    hints_used: Number(data.get("hints_used") || 0),
    confidence: data.get("confidence") ? Number(data.get("confidence")) : null,
  };
}

function showFormError(form, message) {
  let error = form.querySelector("#answer-error");
  if (!error) {
    error = el("p", { class: "error", role: "alert", id: "answer-error" });
    const confidence = form.querySelector("fieldset.confidence");
    form.insertBefore(error, confidence);
  }
  error.textContent = message;
  const input = form.querySelector("#response");
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", "answer-error");
  }
  error.setAttribute("tabindex", "-1");
  error.focus();
}

async function answerOffline(form) {
  const answer = readForm(form);
  const batch = await store.getBatch(studentId);
  const found = batch && findItem(batch, answer.item_id);
  if (!found) {
    showFormError(form, "This question was not saved for offline practice: here is one that was.");
    await renderNext(answer.skill_key);
    return;
  }
  const result = checkAnswer(found.item.answer, answer.response);
  if (result.status === "malformed") {
    showFormError(form, result.message); // not an answer: nothing is queued, as on the server
    return;
  }
  await store.enqueue({
    ...answer,
    student_id: studentId,
    answered_at: new Date().toISOString(),
    local_status: result.status,
  });
  await markSeen(answer.item_id);
  renderFeedback(found, answer, result);
  await showStatus();
}

function renderFeedback(found, answer, result) {
  const area = document.getElementById("practice-area");
  const { skill, item } = found;
  const title = result.status === "correct" ? "Correct!" : result.status === "incorrect" ? "Not quite" : "Saved";
  const section = el("section", {
    class: `card feedback ${result.status === "correct" ? "correct" : "incorrect"}`, id: "feedback",
    role: "status", "data-offline": true,
  });
  section.append(el("h2", { id: "feedback-title", text: title }));
  section.append(el("div", { class: "prompt small", text: item.prompt }));
  section.append(el("p", { text: "Your answer: " }, el("strong", { id: "your-answer", text: answer.response.trim() })));
  const message = result.message.replace("Not quite: ", "");
  if (!["Correct!", "Not quite."].includes(message) && !message.startsWith("the answer is")) {
    section.append(el("p", { id: "feedback-message", text: message.charAt(0).toUpperCase() + message.slice(1) }));
  }
  if (result.status === "incorrect") {
    section.append(el("p", { text: "The answer is " }, el("strong", { id: "correct-answer", text: item.answer.correct }), "."));
    const steps = el("ol");
    for (const step of item.worked_solution) steps.append(el("li", { text: step }));
    section.append(el("div", { class: "worked", id: "worked-solution" }, el("h3", { text: "Worked solution" }), steps));
  }
  section.append(el("p", { class: "offline-note", text: "Checked on this device. Your mastery is updated when your answers reach the server." }));
  const next = el("button", { type: "button", class: "primary", id: "next-question", text: "Next question" });
  next.addEventListener("click", () => renderNext(skill.key));
  section.append(el("div", { class: "actions" }, next, el("a", { class: "button", href: "/learn", id: "back-to-map", text: "Back to my map" })));
  area.replaceChildren(section);
  section.setAttribute("tabindex", "-1");
  section.focus();
}

function responseInput(item) {
  const choices = item.choices;
  if (item.kind === "multiple_choice" || item.kind === "multiple_select") {
    const single = item.kind === "multiple_choice";
    const fieldset = el("fieldset", { class: "choices" }, el("legend", { text: single ? "Choose one" : "Choose every answer that is right" }));
    choices.forEach((choice, i) => {
      const input = el("input", { type: single ? "radio" : "checkbox", name: single ? "response" : "picked", value: choice, required: single });
      fieldset.append(el("label", { class: "choice" }, input, " ", el("span", { class: "letter", text: LETTERS[i] }), ` ${choice}`));
    });
    return fieldset;
  }
  if (item.kind === "ordering") {
    const list = el("ol", { class: "order-slots" });
    choices.forEach((_, position) => {
      const select = el("select", { name: "picked", required: true }, el("option", { value: "", text: "choose…" }));
      choices.forEach((choice, i) => select.append(el("option", { value: choice, text: `${LETTERS[i]}. ${choice}` })));
      list.append(el("li", {}, el("label", {}, `${position + 1}. `, select)));
    });
    return el("fieldset", { class: "ordering" }, el("legend", { text: "Put these in order, first to last" }), list);
  }
  const input = el("input", {
    type: "text", name: "response", id: "response", autocomplete: "off", maxlength: 500,
    inputmode: item.kind === "numeric" ? "decimal" : "text",
    placeholder: item.kind === "fraction" ? "a fraction: top/bottom" : item.kind === "numeric" ? "a number" : "",
  });
  return el("label", {}, "Your answer ", input);
}

async function renderNext(preferredSkill) {
  const area = document.getElementById("practice-area");
  const next = await nextLocalItem(preferredSkill);
  offlineMode = true;
  document.body.classList.add("practising-offline");
  if (!next) {
    area.replaceChildren(el("section", { class: "card", id: "offline-done" },
      el("h2", { text: "No more saved questions" }),
      el("p", { text: "You have answered every question saved for offline practice. Reconnect to get more." })));
    await showStatus();
    return;
  }
  const { skill, item } = next;
  const heading = document.querySelector("main h1");
  if (heading) heading.textContent = skill.name;
  const form = el("form", { id: "answer-form", class: "stack", "data-offline": true });
  form.dataset.started = String(Date.now());
  form.append(
    el("input", { type: "hidden", name: "item_id", value: item.item_id }),
    el("input", { type: "hidden", name: "skill_key", value: skill.key }),
    el("input", { type: "hidden", name: "client_attempt_id", value: crypto.randomUUID() }),
    el("input", { type: "hidden", name: "hints_used", value: 0, id: "hints-used" }),
    responseInput(item),
  );
  const confidence = el("fieldset", { class: "confidence" }, el("legend", { text: "How sure are you? (optional)" }));
  [["1", "Guessing"], ["2", "Unsure"], ["3", "Fairly sure"], ["4", "Certain"]].forEach(([value, label]) => {
    confidence.append(el("label", {}, el("input", { type: "radio", name: "confidence", value }), ` ${label}`));
  });
  form.append(confidence);
  const hints = el("ol", { id: "hints", class: "hints", "aria-live": "polite" });
  const actions = el("div", { class: "actions" }, el("button", { type: "submit", class: "primary", id: "check-answer", text: "Check answer" }));
  if (item.hints.length) {
    const hintButton = el("button", { type: "button", id: "hint-button", text: "Get a hint" });
    hintButton.addEventListener("click", () => {
      const used = hints.children.length;
      hints.append(el("li", { class: "hint", "data-hint": used + 1, text: item.hints[used] }));
      form.querySelector("#hints-used").value = String(used + 1);
      if (used + 1 >= item.hints.length) {
        hintButton.disabled = true;
        hintButton.textContent = "No more hints";
      } else {
        hintButton.textContent = `Another hint (${used + 1} of ${item.hints.length} used)`;
      }
    });
    actions.append(hintButton);
  }
  form.append(actions);
  const card = el("section", { class: "card item", id: "item-card", "data-item": item.item_id, "data-kind": item.kind },
    el("p", { class: "mastery-line offline-note", text: "Practising offline: answers are checked on this device and sent when you reconnect." }),
    el("div", { class: "prompt", id: "prompt", text: item.prompt }),
    form, hints);
  area.replaceChildren(card);
  const first = form.querySelector("input:not([type=hidden]), select");
  if (first) first.focus();
  await showStatus();
}

// ---- sending the queue ---------------------------------------------------------------------------------

function post(answers) {
  const body = {
    student_id: studentId,
    answers: answers.map((a) => ({
      client_attempt_id: a.client_attempt_id, item_id: a.item_id, skill_key: a.skill_key, response: a.response,
      answered_at: a.answered_at, duration_ms: a.duration_ms, hints_used: a.hints_used, confidence: a.confidence,
    })),
  };
  return fetchJSON("/api/offline/answers", {
    method: "POST",
    headers: { "Content-Type": "application/json", "x-csrftoken": csrfToken() },
    body: JSON.stringify(body),
  });
}

/** Send the queue in order; returns how many answers the server has now and the reasons of refusals. */
async function sendQueue() {
  const answers = await store.queued(studentId);
  const report = { sent: 0, refused: [] };
  for (let start = 0; start < answers.length; start += SYNC_CHUNK) {
    const chunk = answers.slice(start, start + SYNC_CHUNK);
    let results;
    try {
      results = (await post(chunk)).results;
    } catch (error) {
      if (error.status !== 422) throw error;
      // One answer the server cannot even read (a field out of bounds) must not hold the queue: send
      // them one by one, in order, and drop the unreadable one with its reason.
      results = [];
      for (const answer of chunk) {
        try {
          results.push(...(await post([answer])).results);
        } catch (single) {
          if (single.status !== 422) throw single;
          results.push({ client_attempt_id: answer.client_attempt_id, status: "refused", message: "the answer could not be read" });
        }
      }
    }
    report.refused.push(...results.filter((r) => r.status === "refused").map((r) => r.message));
    const done = new Set(results.map((r) => r.client_attempt_id));
    await store.removeQueued(chunk.filter((a) => done.has(a.client_attempt_id)).map((a) => a.seq));
    report.sent += done.size;
  }
  return report;
}

/** Send the queue once at a time (also across tabs, with a Web Lock where the browser has them). */
function sync() {
  if (studentId === null || !navigator.onLine) return Promise.resolve(0);
  if (!syncing) {
    const work = () => sendQueue();
    const locked = navigator.locks ? navigator.locks.request("atpace-offline-sync", work) : work();
    syncing = locked
      .then(async (report) => {
        if (report.sent) await afterSync(report);
        else await showStatus();
        return report.sent;
      })
      .catch(async (error) => {
        await showStatus(error.status === 401 ? "Sign in again to send your answers" : "");
        return 0;
      })
      .finally(() => { syncing = null; });
  }
  return syncing;
}

async function afterSync({ sent, refused }) {
  const stored = sent - refused.length;
  let text = `${plural(stored, "answer")} synced: your map is up to date`;
  if (refused.length) text += `. ${plural(refused.length, "answer")} not saved: ${refused.join("; ")}`;
  await showStatus(text);
  if (offlineMode) {
    const area = document.getElementById("practice-area");
    const notice = el("p", { class: "notice", id: "back-online" },
      "You are back online. ", el("a", { href: "/practice", id: "continue-online", text: "Continue practising" }),
      " or ", el("a", { href: "/learn", text: "see your map" }), ".");
    area.prepend(notice);
  }
}

// ---- start -------------------------------------------------------------------------------------------

async function start() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  }
  const declared = root && root.dataset.student ? Number(root.dataset.student) : null;
  if (declared) await store.setMeta("student", declared);
  studentId = declared || (await store.getMeta("student"));
  if (studentId === null) {
    if (statusLine) {
      statusLine.textContent = "No questions are saved for offline practice yet: open Practice once while online.";
      statusLine.hidden = false;
    }
    return;
  }
  const card = document.getElementById("item-card");
  const isShell = Boolean(root && root.dataset.shell !== undefined);
  if (isShell) {
    await renderNext(new URLSearchParams(location.search).get("skill"));
  }
  await showStatus();
  if (navigator.onLine) {
    await sync();
    if (!isShell) {
      try {
        await refreshBatch(card ? Number(card.dataset.item) : null, root ? root.dataset.skill : "");
        document.documentElement.dataset.offlineBatch = "kept"; // for tests and curious teachers
      } catch {
        // No batch now (offline again, or nothing left to practise): the page works online as before.
      }
    }
  }
  // Before htmx sends it: an answer given without a connection is checked and queued here.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.id !== "answer-form") return;
    if (navigator.onLine && !form.hasAttribute("data-offline")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    answerOffline(form);
  }, true);
  // A request that fails on the way (the network dropped while the browser still thought it was online).
  document.addEventListener("htmx:error", (event) => {
    const form = document.getElementById("answer-form");
    if (form && form.contains(event.target) && !form.hasAttribute("data-offline")) answerOffline(form);
  });
  document.addEventListener("htmx:after:swap", () => {
    const feedback = document.getElementById("feedback");
    if (feedback && card) markSeen(Number(card.dataset.item));
  });
  window.addEventListener("online", () => { sync(); });
  window.addEventListener("offline", () => { showStatus(); });
}

start();
