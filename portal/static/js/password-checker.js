// The folder's password rule, clause by clause, in the browser only.
// Mirrors portal/validators.py (folder_password_problems); tests/browser compares the two.
// The password is never submitted or sent: the input is in no form and nothing is fetched.
(function () {
  "use strict";

  var MIN_LENGTH = 8;

  function splitWords(value) {
    return (value || "").split(/[\s\-]+/);
  }

  function nameParts(first, last) {
    return splitWords(first).concat(splitWords(last)).filter(function (p) {
      return Array.from(p).length >= 3;
    });
  }

  function initials(first, last) {
    return splitWords(first + " " + last)
      .filter(function (w) { return w.length > 0; })
      .map(function (w) { return Array.from(w)[0]; })
      .join("");
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function containsOwnName(password, user) {
    var lowered = password.toLowerCase();
    var username = (user.username || "").toLowerCase();
    if (Array.from(username).length >= 3 && lowered.indexOf(username) !== -1) return true;
    var parts = nameParts(user.first, user.last);
    for (var i = 0; i < parts.length; i++) {
      if (lowered.indexOf(parts[i].toLowerCase()) !== -1) return true;
    }
    var ini = initials(user.first, user.last).toLowerCase();
    if (Array.from(ini).length >= 2) {
      return new RegExp("(?<![a-z])" + escapeRegExp(ini) + "(?![a-z])").test(lowered);
    }
    return false;
  }

  // code -> true when the clause is met
  function check(password, user) {
    return {
      length: Array.from(password).length >= MIN_LENGTH,
      digit: /[0-9]/.test(password),
      upper: /[A-Z]/.test(password),
      lower: /[a-z]/.test(password),
      danish_letters: !/[æøåÆØÅ]/.test(password),
      own_name: !containsOwnName(password, user),
    };
  }

  function setUp(root) {
    var input = root.querySelector("[data-password-input]");
    var show = root.querySelector("[data-password-show]");
    var summary = root.querySelector("[data-password-summary]");
    var clauses = root.querySelectorAll("[data-clause]");
    var user = {
      username: root.dataset.username || "",
      first: root.dataset.firstName || "",
      last: root.dataset.lastName || "",
    };

    function update() {
      var password = input.value;
      if (!password) {
        clauses.forEach(function (li) { li.dataset.state = "pending"; });
        summary.textContent = "";
        return;
      }
      var result = check(password, user);
      var broken = 0;
      clauses.forEach(function (li) {
        var met = result[li.dataset.clause];
        if (!met) broken += 1;
        li.dataset.state = met ? "met" : "broken";
        li.querySelector(".clause-mark").textContent = met ? "✓" : "✗";
        li.querySelector(".clause-state").textContent = met
          ? summary.dataset.textMet
          : summary.dataset.textBroken;
      });
      summary.textContent = broken === 0
        ? summary.dataset.textOk
        : summary.dataset.textProblems + " " + broken;
    }

    input.addEventListener("input", update);
    if (show) {
      show.addEventListener("change", function () {
        input.type = show.checked ? "text" : "password";
      });
    }
    update();
  }

  document.querySelectorAll("[data-password-checker]").forEach(setUp);
})();
