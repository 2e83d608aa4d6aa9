// The report form keeps a draft in this browser tab (sessionStorage: gone when the tab closes)
// until the receipt is shown. If the session ended while the reporter was writing, the POST
// goes to the login page; after logging in they come back to the form, and the draft is put
// back with a note saying what happened. Files cannot be kept: the note says so.
(function () {
  "use strict";
  var KEY = "sikkerhedsportalen:report-draft";
  if (!window.sessionStorage) return;

  // The receipt page: the report arrived, the draft is not needed any more.
  if (document.querySelector("[data-report-received]")) {
    sessionStorage.removeItem(KEY);
    return;
  }
  var form = document.querySelector(".report-form");
  var labels = document.getElementById("draft-labels");
  if (!form || !labels) return;
  labels = JSON.parse(labels.textContent);
  var SKIP = ["csrfmiddlewaretoken", "submission_token"];

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && SKIP.indexOf(el.name) === -1 && el.type !== "file" && el.type !== "submit";
    });
  }

  function save(sent) {
    var values = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name] = values[el.name] || [];
        if (el.checked) values[el.name].push(el.value);
      } else {
        values[el.name] = el.value;
      }
    });
    sessionStorage.setItem(KEY, JSON.stringify({ values: values, sent: sent }));
  }

  var draft = JSON.parse(sessionStorage.getItem(KEY) || "null");
  // Only into an empty form: a form the server sent back with errors already holds the text.
  var fresh = !form.querySelector(".is-invalid") && !document.getElementById("form-errors");
  if (draft && fresh) {
    fields().forEach(function (el) {
      if (!(el.name in draft.values)) return;
      var value = draft.values[el.name];
      if (el.type === "checkbox" || el.type === "radio") el.checked = value.indexOf(el.value) !== -1;
      else el.value = value;
    });
    form.dispatchEvent(new Event("change", { bubbles: true }));
    var note = document.createElement("div");
    note.className = "alert alert-warning";
    note.setAttribute("role", "alert");
    note.id = "draft-restored";
    note.textContent = draft.sent ? labels.sent : labels.typed;
    form.parentNode.insertBefore(note, form);
  }
  form.addEventListener("input", function () { save(false); });
  form.addEventListener("change", function () { save(false); });
  form.addEventListener("submit", function () { save(true); });
})();
