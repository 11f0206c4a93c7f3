// orderpack serve: live checks of the case forms, copy buttons, the dispute text's
// character count, uploads by drag and drop, and build progress. A plain module: every
// page works without it, this only makes it answer sooner. What it says comes from the page
// (main's data-words), in the page's language, from the same catalogs as the page.

const main = document.querySelector("main");
const csrf = main?.dataset.csrf ?? "";
const words = JSON.parse(main?.dataset.words ?? "{}");
const lang = document.documentElement.lang || "en";

// A sentence with its %(name)s placeholders filled.
function say(text, values = {}) {
  return (text ?? "").replace(/%\((\w+)\)[sd]/g, (_, name) => String(values[name] ?? ""));
}

// A counted sentence: the form of the language's plural category for `num`.
function counted(forms, num, values = {}) {
  const form = forms?.[new Intl.PluralRules(lang).select(num)] ?? forms?.other;
  return say(form, { num: num.toLocaleString(lang), ...values });
}

// The language picker of the new-case page: the page again, in the language chosen.
for (const select of document.querySelectorAll("select[data-relanguage]")) {
  select.addEventListener("change", () => {
    location.assign(`${select.dataset.relanguage}?lang=${encodeURIComponent(select.value)}`);
  });
}

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function showProblems(form, problems) {
  for (const box of form.querySelectorAll(".problems")) {
    const name = box.id.replace(/^problem-/, "");
    const texts = problems[name] ?? [];
    box.replaceChildren(...texts.map((text) => {
      const p = document.createElement("p");
      p.className = "problem";
      p.textContent = text;
      return p;
    }));
    const field = box.closest(".field");
    if (field) {
      field.classList.toggle("has-problem", texts.length > 0);
      const input = field.querySelector("input, select, textarea");
      if (input) {
        if (texts.length) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
    }
  }
}

for (const form of document.querySelectorAll("form.case-form")) {
  const live = form.querySelector(".live");
  const check = debounce(async () => {
    const body = new FormData(form);
    const answer = await fetch(form.dataset.check, {
      method: "POST", body, headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
    });
    if (!answer.ok) return;
    const { problems } = await answer.json();
    showProblems(form, problems);
    const count = Object.keys(problems).filter((name) => form.querySelector(`[id="problem-${name}"]`)).length;
    if (live) live.textContent = count ? counted(words.fields_to_fix, count) : words.no_problems;
  }, 350);
  form.addEventListener("input", check);
  form.addEventListener("change", check);
}

for (const button of document.querySelectorAll("button.copy")) {
  button.addEventListener("click", async () => {
    const area = document.getElementById(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(area.value);
    } catch {
      area.select();
      document.execCommand("copy");
    }
    const label = button.textContent;
    button.textContent = words.copied;
    setTimeout(() => { button.textContent = label; }, 1500);
  });
}

const textBox = document.querySelector("[data-text-url]");
if (textBox) {
  const area = textBox.querySelector("textarea");
  const count = textBox.querySelector(".count");
  fetch(textBox.dataset.textUrl).then((r) => r.json()).then((data) => {
    if (data.error) { area.value = data.error; return; }
    area.value = data.text;
    count.textContent = data.limit
      ? counted(words.characters_of, data.characters, { limit: data.limit.toLocaleString(lang) })
      : counted(words.characters, data.characters);
    count.classList.toggle("over", Boolean(data.limit && data.characters > data.limit));
  });
}

const upload = document.getElementById("upload-form");
if (upload) {
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("upload-files");
  const status = upload.querySelector(".upload-status");
  const send = async (files) => {
    const body = new FormData();
    body.append("csrf", csrf);
    for (const file of files) body.append("files", file);
    status.textContent = counted(words.uploading, files.length);
    const answer = await fetch(upload.action, { method: "POST", body, headers: { Accept: "application/json" } });
    const data = await answer.json().catch(() => ({ added: [], refused: [words.upload_failed] }));
    if (data.refused.length) status.textContent = say(words.not_added, { reasons: data.refused.join("; ") });
    if (data.added.length) location.reload();
  };
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    if (event.dataTransfer.files.length) send(event.dataTransfer.files);
  });
  input.addEventListener("change", () => { if (input.files.length) send(input.files); });
}

const progress = document.getElementById("build-progress");
if (progress && progress.dataset.state === "running") {
  const poll = async () => {
    const data = await (await fetch(progress.dataset.progress)).json();
    if (data.state === "running") {
      const list = progress.querySelector("ol.steps") ?? progress.appendChild(document.createElement("ol"));
      list.className = "steps";
      list.replaceChildren(...data.steps.map((step) => {
        const li = document.createElement("li");
        li.textContent = step[0].toUpperCase() + step.slice(1);
        return li;
      }));
      setTimeout(poll, 700);
    } else {
      location.reload();
    }
  };
  setTimeout(poll, 500);
}
