// atpace: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  function stampTimers(root) {
    root.querySelectorAll("form").forEach(function (form) {
      var timer = form.querySelector("input[data-timer]");
      if (!timer || form.dataset.timed) return;
      form.dataset.timed = "1";
      // data-elapsed: time already spent on this item before a refused answer brought the form back.
      var started = Date.now() - (parseInt(timer.getAttribute("data-elapsed") || "0", 10) || 0);
      form.addEventListener("submit", function () { timer.value = String(Date.now() - started); });
      form.addEventListener("htmx:config:request", function (event) {
        // htmx has already read the form into the request body by now: set the time there too.
        var elapsed = String(Date.now() - started);
        var ctx = event.detail && event.detail.ctx;
        timer.value = elapsed;
        if (ctx && ctx.request && ctx.request.body && ctx.request.body.set) ctx.request.body.set(timer.name, elapsed);
      });
    });
  }
  // A box that scrolls (a wide table on a phone, the knowledge map) must be reachable from the keyboard,
  // or its hidden part cannot be scrolled into view without a mouse (WCAG 2.1.1; axe's
  // scrollable-region-focusable). Only boxes that really overflow become tab stops, named after their
  // table's caption or their section's heading.
  var SCROLLERS = ".table-scroll, .heatmap-scroll, .map-scroll";
  function focusableScrollers(root) {
    root.querySelectorAll(SCROLLERS).forEach(function (box) {
      if (box.closest("[aria-hidden=true]") || box.hasAttribute("data-static-tabindex")) return;
      if (box.hasAttribute("tabindex") && !box.hasAttribute("data-scroll-focus")) {
        box.setAttribute("data-static-tabindex", "");  // set by the page itself: leave it
        return;
      }
      var overflows = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (overflows && !box.hasAttribute("data-scroll-focus")) {
        box.setAttribute("data-scroll-focus", "");
        box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          var caption = box.querySelector("caption");
          var section = box.closest("section, .card");
          var heading = section && section.querySelector("h1, h2, h3");
          var name = (caption || heading || {}).textContent || "Table";
          box.setAttribute("aria-label", name.trim().replace(/\s+/g, " ") + " (scrolls sideways)");
        }
      } else if (!overflows && box.hasAttribute("data-scroll-focus")) {
        box.removeAttribute("data-scroll-focus");
        box.removeAttribute("tabindex");
      }
    });
  }
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { focusableScrollers(document); }, 150);
  });
  document.addEventListener("DOMContentLoaded", function () { stampTimers(document); focusableScrollers(document); });
  document.addEventListener("htmx:after:swap", function () {
    stampTimers(document);
    focusableScrollers(document);
    var first = document.querySelector("#feedback, #answer-error");
    if (first) {
      first.setAttribute("tabindex", "-1");  // focusable from script, not a tab stop
      first.focus();
    }
  });
})();
