// atpace: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  function stampTimers(root) {
    root.querySelectorAll("form").forEach(function (form) {
      var timer = form.querySelector("input[data-timer]");
      if (!timer || form.dataset.timed) return;
      form.dataset.timed = "1";
      var started = Date.now();
      form.addEventListener("submit", function () { timer.value = String(Date.now() - started); });
      form.addEventListener("htmx:config:request", function () { timer.value = String(Date.now() - started); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { stampTimers(document); });
  document.addEventListener("htmx:after:swap", function () {
    stampTimers(document);
    var first = document.querySelector("#feedback, #answer-error");
    if (first) {
      first.setAttribute("tabindex", "-1");  // focusable from script, not a tab stop
      first.focus();
    }
  });
})();
