// The grading page: keys to move between students, and the mastery preview as levels change.
// Everything here has a plain-HTML fallback (rel=next/prev links with access keys, a preview button).
(function () {
  "use strict";
  var dirty = false;

  function typing(target) {
    return target && target.closest && target.closest("textarea, select, input[type=text], [contenteditable]");
  }

  function go(rel) {
    var link = document.querySelector('a[data-grading-nav][rel~="' + rel + '"]');
    if (!link) return false;
    if (dirty && !window.confirm("Leave this student without saving the feedback?")) return true;
    window.location.href = link.href;
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    var rel = null;
    if (event.altKey && !event.shiftKey && event.key === "ArrowRight") rel = "next";
    else if (event.altKey && !event.shiftKey && event.key === "ArrowLeft") rel = "prev";
    else if (!event.altKey && !event.shiftKey && !typing(event.target)) {
      if (event.key === "j") rel = "next";
      else if (event.key === "k") rel = "prev";
    }
    if (rel && go(rel)) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("feedback-form");
    var target = document.getElementById("mastery-preview");
    if (!form) return;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    if (!target) return;
    var button = document.getElementById("preview-button");
    if (button) button.hidden = true;  // the preview follows the levels by itself
    var pending = 0;
    form.addEventListener("change", function (event) {
      if (!event.target || event.target.type !== "radio") return;
      dirty = true;
      var ticket = ++pending;
      fetch(target.dataset.url, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { "HX-Request": "true" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html !== null && ticket === pending) target.innerHTML = html;
      }).catch(function () { /* the button still works after a reload */ });
    });
  });
})();
