// uncounted: a little plain JavaScript. Pages work without it; it only adds keyboard shortcuts.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(document.activeElement)) return;
    var form = document.getElementById("decide-form");
    if (!form) return;
    var button = form.querySelector('button[data-key="' + ev.key.toLowerCase() + '"]');
    if (button) {
      ev.preventDefault();
      button.click();
    }
  });
  document.addEventListener("click", function (ev) {
    var back = ev.target.closest && ev.target.closest("[data-back]");
    if (back && window.history.length > 1) {
      ev.preventDefault();
      window.history.back();
    }
  });
  document.addEventListener("submit", function (ev) {
    // avoid double submission of slow forms (imports, estimates)
    var form = ev.target;
    if (form.dataset.submitted) { ev.preventDefault(); return; }
    form.dataset.submitted = "1";
    setTimeout(function () { delete form.dataset.submitted; }, 5000);
  });
})();
