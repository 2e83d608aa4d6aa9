// The incident page: what is typed in a panel is kept until it is saved, also across the
// reload that saving another panel causes, and is put back with a note. The panel's version
// is kept with it, so a change someone else saved meanwhile is still caught (409).
// Without JavaScript the page works as before; only this safety net is missing.
(function () {
  "use strict";
  var summary = document.getElementById("form-errors");
  if (summary) summary.focus();

  var forms = document.querySelectorAll("form[data-panel]");
  if (!forms.length || !window.sessionStorage) return;
  var notes = JSON.parse(document.getElementById("panel-labels").textContent);
  var prefix = "sikkerhedsportalen:" + location.pathname + ":";

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" &&
        el.type !== "submit" && el.type !== "button";
    });
  }

  function snapshot(form) {
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name] = values[el.name] || [];
        if (el.checked) values[el.name].push(el.value);
      } else if (el.multiple) {
        values[el.name] = Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; });
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function restore(form, values) {
    fields(form).forEach(function (el) {
      if (!(el.name in values)) return;
      var value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") el.checked = value.indexOf(el.value) !== -1;
      else if (el.multiple) Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) !== -1; });
      else el.value = value;
    });
  }

  forms.forEach(function (form) {
    var key = prefix + form.dataset.panel;
    var kept = sessionStorage.getItem(key);
    if (kept) {
      restore(form, JSON.parse(kept));
      var panel = form.closest("details");
      if (panel) panel.open = true;
      var note = document.createElement("p");
      note.className = "alert alert-info py-2 small panel-restored";
      note.setAttribute("role", "status");
      note.textContent = notes.restored + " ";
      var forget = document.createElement("button");
      forget.type = "button";
      forget.className = "btn btn-link btn-sm p-0 align-baseline";
      forget.textContent = notes.forget;
      forget.addEventListener("click", function () {
        sessionStorage.removeItem(key);
        location.reload();
      });
      note.appendChild(forget);
      form.insertBefore(note, form.firstChild);
    }
    function keep() { sessionStorage.setItem(key, JSON.stringify(snapshot(form))); }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    // Sent: the server either saves it or shows it again with what was typed.
    form.addEventListener("submit", function () { sessionStorage.removeItem(key); });
  });
})();
