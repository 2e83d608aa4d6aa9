// Show only the first steps for the chosen category. Without JavaScript all steps stay visible.
(function () {
  "use strict";
  // After a refused submission, move focus to the error summary so it is read out first.
  var summary = document.getElementById("form-errors");
  if (summary) summary.focus();

  var form = document.querySelector(".report-form");
  if (!form) return;
  var steps = form.querySelectorAll(".first-step");

  function update() {
    var chosen = form.querySelector("input[name='category']:checked");
    steps.forEach(function (step) {
      step.hidden = Boolean(chosen) && step.dataset.category !== chosen.value;
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "category") update();
  });
  update();
})();
