// Kommunalforum – progressive enhancement. Every page works without this
// file; it only adds conveniences. No dependencies, no inline handlers (the
// CSP forbids them); all texts come from data attributes rendered
// server-side from the message catalogue.
//
//   data-confirm="…"            on a <form>, a submit <button> or a link:
//                               ask before submitting / following
//   data-quote-target="#f-body" on a link or button, with data-quote-text:
//                               insert the Markdown quote into that textarea
//                               instead of navigating to the reply page
//   .error-summary              focused on load; its messages are linked
//                               to the fields whose error text they repeat
//   textarea[maxlength]         with data-counter-one / data-counter-other
//                               ("Noch %d Zeichen möglich"): live counter
(function () {
  "use strict";

  // (a) Confirmation before destructive actions.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-confirm]");
    if (link && !window.confirm(link.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // (b) Quote into the reply box.
  document.addEventListener("click", function (event) {
    var trigger = event.target.closest && event.target.closest("[data-quote-target]");
    if (!trigger) {
      return;
    }
    var target = document.querySelector(trigger.getAttribute("data-quote-target"));
    var text = trigger.getAttribute("data-quote-text");
    if (!target || target.tagName !== "TEXTAREA" || text === null) {
      return; // fall back to the reply page the link points to
    }
    event.preventDefault();
    insertBlock(target, text);
  });

  // Textareas the user has been in: only there does the cursor position
  // mean something; elsewhere a quote is appended.
  var visited = new WeakSet();
  document.addEventListener("focusin", function (event) {
    if (event.target.tagName === "TEXTAREA") {
      visited.add(event.target);
    }
  });

  // insertBlock puts text at the cursor of textarea as a block of its own
  // (separated by blank lines), then focuses the textarea after the insert.
  function insertBlock(textarea, text) {
    var value = textarea.value;
    var start = value.length;
    var end = value.length;
    if (visited.has(textarea) && typeof textarea.selectionStart === "number") {
      start = textarea.selectionStart;
      end = textarea.selectionEnd;
    }
    var before = value.slice(0, start);
    var after = value.slice(end);
    var block = text.replace(/\s+$/, "");
    if (before !== "" && !/\n\n$/.test(before)) {
      block = (/\n$/.test(before) ? "\n" : "\n\n") + block;
    }
    block += after === "" ? "\n\n" : (/^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n"));
    var maxLength = textarea.maxLength;
    if (maxLength > 0 && before.length + block.length + after.length > maxLength) {
      return; // do not silently cut the quote; the user can copy by hand
    }
    textarea.value = before + block + after;
    var caret = before.length + block.length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.scrollIntoView({ block: "center" });
  }

  // (c) Error summary: focus it and link messages to their fields.
  function enhanceErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (!summary) {
      return;
    }
    var errors = document.querySelectorAll(".field-error[id]");
    var items = summary.querySelectorAll("li");
    Array.prototype.forEach.call(items, function (item) {
      if (item.querySelector("a")) {
        return;
      }
      var text = item.textContent.trim();
      Array.prototype.some.call(errors, function (error) {
        var msg = error.querySelector(".field-error-msg");
        var fieldID = error.id.replace(/-error$/, "");
        if (!msg || msg.textContent.trim() !== text || !document.getElementById(fieldID)) {
          return false;
        }
        var link = document.createElement("a");
        link.href = "#" + fieldID;
        link.textContent = text;
        link.addEventListener("click", function (event) {
          var field = document.getElementById(fieldID);
          var label = document.querySelector("label[for='" + fieldID + "']");
          event.preventDefault();
          (label || field).scrollIntoView({ block: "start" });
          field.focus({ preventScroll: true });
        });
        item.textContent = "";
        item.appendChild(link);
        return true;
      });
    });
    summary.focus();
  }

  // (d) Remaining-characters counter for textareas with maxlength.
  function enhanceCounters() {
    var areas = document.querySelectorAll("textarea[maxlength][data-counter-other]");
    Array.prototype.forEach.call(areas, function (area) {
      var max = area.maxLength;
      if (!(max > 0)) {
        return;
      }
      var id = (area.id || "textarea") + "-counter";
      // Visible counter, updated on every keystroke but hidden from screen
      // readers; a separate polite live region speaks after a pause.
      var visible = document.createElement("p");
      visible.className = "char-counter";
      visible.id = id;
      var live = document.createElement("p");
      live.className = "visually-hidden";
      live.setAttribute("aria-live", "polite");
      area.insertAdjacentElement("afterend", visible);
      visible.insertAdjacentElement("afterend", live);

      var described = area.getAttribute("aria-describedby");
      area.setAttribute("aria-describedby", described ? described + " " + id : id);

      var timer = 0;
      function text() {
        var left = max - area.value.length;
        var template = area.getAttribute(left === 1 ? "data-counter-one" : "data-counter-other") ||
          area.getAttribute("data-counter-other");
        return { left: left, text: template.replace("%d", String(left)) };
      }
      function update(announce) {
        var t = text();
        visible.textContent = t.text;
        visible.classList.toggle("is-low", t.left <= max / 10);
        if (announce) {
          window.clearTimeout(timer);
          timer = window.setTimeout(function () {
            live.textContent = text().text;
          }, 1000);
        }
      }
      area.addEventListener("input", function () {
        update(true);
      });
      update(false);
    });
  }

  function init() {
    enhanceCounters();
    enhanceErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
