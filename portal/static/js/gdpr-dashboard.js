// The deadline dashboard: keep "time left" and the urgency band current without a reload.
// The server renders the same text; this only moves it on as the minutes pass.
(function () {
  "use strict";
  const table = document.getElementById("deadline-table");
  const labelsElement = document.getElementById("deadline-labels");
  if (!table || !labelsElement) return;
  // Texts and band limits come from the server (incidents/formatting.py, deadlines.py).
  const labels = JSON.parse(labelsElement.textContent);

  function fill(template, values) {
    return template.replace(/%\((\w+)\)[sd]/g, (_, key) => String(values[key]));
  }

  function span(ms) {
    const totalMinutes = Math.floor(ms / 60000);
    const hours = Math.floor(totalMinutes / 60);
    const minutes = totalMinutes % 60;
    const parts = [];
    if (hours) parts.push(fill(labels.hours, { n: hours }));
    if (minutes || !hours) parts.push(fill(labels.minutes, { n: minutes }));
    return parts.join(" ");
  }

  function band(ms) {
    if (ms < 0) return "overdue";
    for (const [code, limit] of Object.entries(labels.limits)) {
      if (ms <= limit) return code;
    }
    return "later";
  }

  function update() {
    const now = Date.now();
    for (const row of table.querySelectorAll("tr[data-deadline]")) {
      const left = Date.parse(row.dataset.deadline) - now;
      const text = left < 0
        ? fill(labels.overdue, { span: span(-left) })
        : fill(labels.left, { span: span(left) });
      row.querySelector(".time-left").textContent = text;
      const code = band(left);
      if (!row.classList.contains("band-" + code)) {
        row.className = row.className.replace(/\bband-\S+/g, "").trim() + " band-" + code;
        row.querySelector(".band-icon").textContent = labels.icons[code];
        row.querySelector(".band-text").textContent = labels.bands[code];
      }
    }
  }

  update();
  window.setInterval(update, 15000);
})();
