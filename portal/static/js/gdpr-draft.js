// The Datatilsynet draft: copy one item to the clipboard, or print the page.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const copy = event.target.closest("[data-copy]");
    if (copy) {
      const text = document.getElementById(copy.dataset.copy).textContent;
      navigator.clipboard.writeText(text).then(function () {
        copy.classList.add("copied");
      });
      return;
    }
    if (event.target.closest("[data-print]")) window.print();
  });
})();
