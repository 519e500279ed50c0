// Kommunalforum – similar questions while a new thread's title is typed.
// Progressive enhancement of the new-thread form (pages/thread_new.html);
// without this file its preview button shows the same list. No
// dependencies, no inline handlers (the CSP forbids them); all texts come
// from data attributes rendered server-side from the message catalogue.
//
//   [data-similar-for="f-title"]  the box below the title field, hidden
//                                 while empty; data-similar-url is the API,
//                                 data-status-<status>, data-answers-one /
//                                 -other ("%d Antworten") and data-new-tab
//                                 the texts of one entry
//   #similar-list                 the <ul> the entries go into
//   #similar-status               polite live region announcing the count,
//                                 with data-found-one / data-found-other
(function () {
  "use strict";

  var MIN_LENGTH = 3; // shorter titles get no suggestions
  var MAX_LENGTH = 150; // the API refuses longer ones
  var DELAY = 300; // ms after the last keystroke
  var MAX_ITEMS = 5;

  function init() {
    var box = document.querySelector("[data-similar-for]");
    if (!box || !window.fetch || !window.AbortController) {
      return;
    }
    var input = document.getElementById(box.getAttribute("data-similar-for"));
    var list = document.getElementById("similar-list");
    var status = document.getElementById("similar-status");
    var url = box.getAttribute("data-similar-url");
    if (!input || !list || !status || !url) {
      return;
    }

    var timer = 0;
    var controller = null; // the request in flight, if any
    var requested = input.value.trim(); // the title last asked for
    var shownIDs = null; // the IDs listed, to skip needless redraws

    function abort() {
      if (controller) {
        controller.abort();
        controller = null;
      }
    }

    function schedule() {
      window.clearTimeout(timer);
      var title = input.value.trim();
      if (title === requested) {
        return;
      }
      var length = Array.from(title).length;
      if (length < MIN_LENGTH || length > MAX_LENGTH) {
        abort();
        requested = title;
        show([]);
        return;
      }
      timer = window.setTimeout(function () {
        lookup(title);
      }, DELAY);
    }

    function lookup(title) {
      abort();
      var mine = new AbortController();
      controller = mine;
      requested = title;
      window.fetch(url + "?title=" + encodeURIComponent(title), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: mine.signal
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("similar questions: HTTP " + response.status);
        }
        return response.json();
      }).then(function (data) {
        if (controller !== mine) {
          return; // a newer request replaced this one
        }
        controller = null;
        show(Array.isArray(data.items) ? data.items : []);
      }).catch(function (err) {
        if (err.name === "AbortError" || controller !== mine) {
          return;
        }
        // Suggestions are a convenience: on failure show none, and try
        // again on the next keystroke.
        controller = null;
        requested = null;
        show([]);
      });
    }

    function show(items) {
      items = items.filter(function (q) {
        return typeof q.url === "string" && /^\/[^\/\\]/.test(q.url);
      }).slice(0, MAX_ITEMS);
      var ids = items.map(function (q) {
        return q.id;
      }).join(",");
      if (ids === shownIDs) {
        return; // keeps focus and the reader's place in an unchanged list
      }
      shownIDs = ids;
      list.textContent = "";
      items.forEach(function (q) {
        list.appendChild(entry(q));
      });
      box.hidden = items.length === 0;
      status.textContent = items.length === 0 ? "" :
        count(status, "data-found", items.length);
    }

    // entry builds one <li> like the server-rendered ones in thread_new.html.
    function entry(q) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = q.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = q.title;
      var tab = document.createElement("span");
      tab.className = "visually-hidden";
      tab.textContent = " " + (box.getAttribute("data-new-tab") || "");
      link.appendChild(tab);

      var meta = document.createElement("span");
      meta.className = "meta";
      meta.appendChild(document.createTextNode(q.topic_field_name + " · "));
      var label = q.status ? box.getAttribute("data-status-" + q.status) : null;
      if (label) {
        var badge = document.createElement("span");
        badge.className = q.status === "offen" ? "badge" : "badge badge-ok";
        badge.textContent = label;
        meta.appendChild(badge);
        meta.appendChild(document.createTextNode(" · "));
      }
      meta.appendChild(document.createTextNode(count(box, "data-answers", q.answers)));

      li.appendChild(link);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(meta);
      return li;
    }

    // count fills n into the text of el's attribute prefix-one or -other.
    function count(el, prefix, n) {
      var text = el.getAttribute(prefix + (n === 1 ? "-one" : "-other")) || "%d";
      return text.replace("%d", String(n));
    }

    input.addEventListener("input", schedule);
    // A title already there (a form shown again, or restored by the
    // browser) gets its suggestions unless the server listed them.
    if (box.hidden) {
      requested = null;
      schedule();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
