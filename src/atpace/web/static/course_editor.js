// atpace course editor: after htmx replaces a part of the page that held the focus (a prerequisite's form,
// an import report), the focus goes to the message that says what happened, so that keyboard and screen
// reader users keep their place. The pages work without this file (and without htmx), except uploads.
(function () {
  "use strict";
  document.addEventListener("htmx:after:swap", function () {
    var message = document.querySelector("[data-focus-after-swap]");
    if (!message) return;
    message.removeAttribute("data-focus-after-swap");
    message.setAttribute("tabindex", "-1");  // focusable from script, not a tab stop
    message.focus();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var saved = document.getElementById("saved");  // "Saved as version N": read first after a save
    if (saved && location.hash === "#saved") saved.focus();
  });
})();
