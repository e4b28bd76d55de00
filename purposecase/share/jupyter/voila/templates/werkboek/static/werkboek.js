/* Purpose Case werkboek: page language and keyboard support for the Voilà template.
 *
 * Voilà gives the template no query string, so the language is read here from
 * ?taal=en (Dutch is the default): <html lang>, Voilà's loading texts and the
 * template's own messages (elements with data-pc-nl / data-pc-en) follow it.
 *
 * Trainer mode: the arrow keys (and a presenter clicker's PageUp/PageDown) press
 * the visible presenter's previous/next button. The buttons are ordinary
 * ipywidgets buttons, so the Python side stays the only place with logic.
 */
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var raw = (params.get("taal") || params.get("lang") || "nl").slice(0, 2).toLowerCase();
  var lang = raw === "en" ? "en" : "nl";
  var TEXT = {
    nl: { step: "Het hoofdstuk wordt opgebouwd ({i} van {n})…",
          leave: "Er is nog iets niet opgeslagen. Deze pagina verlaten?" },
    en: { step: "Building the chapter ({i} of {n})…",
          leave: "Something has not been saved yet. Leave this page?" }
  };
  window.pcLang = lang;
  document.documentElement.lang = lang;

  window.pcLoadingText = function (i, n) {
    return TEXT[lang].step.replace("{i}", i).replace("{n}", n);
  };

  window.pcLocalise = function (root) {
    var attr = "data-pc-" + lang;
    var nodes = (root || document).querySelectorAll("[" + attr + "]");
    for (var k = 0; k < nodes.length; k++) {
      nodes[k].textContent = nodes[k].getAttribute(attr);
    }
  };

  var KEYS = { ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev" };

  document.addEventListener("keydown", function (ev) {
    var dir = KEYS[ev.key];
    if (!dir || ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) { return; }
    var target = ev.target;
    var tag = (target && target.tagName ? target.tagName : "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable)) { return; }
    if (target && target.closest && target.closest('[role="tablist"]')) { return; }
    var presenters = document.querySelectorAll(".pc-presenter");
    for (var k = 0; k < presenters.length; k++) {
      var p = presenters[k];
      if (p.getClientRects().length === 0) { continue; }  /* hidden tab */
      var button = p.querySelector("button.pc-presenter-" + dir);
      if (button && !button.disabled) {
        ev.preventDefault();
        button.click();
      }
      return;
    }
  });

  /* The page's kernel is gone (culled after its connection died, the server restarted, the kernel
   * crashed): the widgets would silently do nothing, so show #pc-kernel-gone instead. Two signals:
   * the kernel connection of Voilà's widget manager (its status and connection status), and every
   * POLL_MS a look at /api/kernels/<id> (404 once the kernel is gone), which also catches a
   * connection that died without closing. */
  var POLL_MS = 15000;
  window.pcKernelGone = function () {
    var el = document.getElementById("pc-kernel-gone");
    if (el && el.hidden) { el.hidden = false; }
  };
  function watchKernel() {
    var node = document.getElementById("jupyter-config-data");
    var config;
    try { config = JSON.parse(node ? node.textContent : "{}"); } catch (e) { return; }
    var id = config.kernelId;
    if (!id) { return; }
    var url = (config.baseUrl || "/") + "api/kernels/" + encodeURIComponent(id);
    var timer = null;
    var soon = null;
    function check() {
      fetch(url, { cache: "no-store", credentials: "same-origin" }).then(function (answer) {
        if (answer.status === 404) {
          window.clearInterval(timer); window.clearInterval(soon); window.pcKernelGone();
        }
      }).catch(function () { /* the server is unreachable: the connection status tells */ });
    }
    /* While the websocket reconnects (the server restarted in a rolling update, or its process is gone
     * behind a load balancer) look every RECONNECT_POLL_MS: as soon as a server answers 404 for this
     * kernel, the page says so, instead of after the minutes the reconnect attempts take. */
    var RECONNECT_POLL_MS = 2000;
    function checkSoon() { if (soon === null) { soon = window.setInterval(check, RECONNECT_POLL_MS); } check(); }
    function calm() { if (soon !== null) { window.clearInterval(soon); soon = null; } }
    timer = window.setInterval(check, POLL_MS);
    var tries = 0;
    (function hook() {
      var app = window.jupyterapp;
      var kernel = app && app.widgetManager && app.widgetManager._kernel;
      if (!kernel || !kernel.statusChanged) {
        if (tries++ < 120) { window.setTimeout(hook, 1000); }
        return;
      }
      kernel.statusChanged.connect(function (_k, status) {
        if (status === "dead" || status === "restarting" || status === "autorestarting") { window.pcKernelGone(); }
      });
      kernel.connectionStatusChanged.connect(function (_k, status) {
        if (status === "disconnected") { window.pcKernelGone(); }
        else if (status === "connecting") { checkSoon(); }
        else if (status === "connected") { calm(); }
      });
    })();
  }

  /* "Deze pagina verlaten?" while a save is pending (issue 18). Every editor shows its state with the
   * one save-state line (ui/editor.py SaveStateLine; the SDG choice has its own): while one of them reads
   * "not saved yet" or shows a conflict, leaving the page asks first. The browser words the question
   * itself (the text below is for browsers that still show a page's own). */
  window.pcSavePending = function () {
    return !!document.querySelector(".pc-state-unsaved, .pc-save-state .pc-state-warning");
  };
  window.addEventListener("beforeunload", function (ev) {
    if (!window.pcSavePending()) { return undefined; }
    ev.preventDefault();
    ev.returnValue = TEXT[lang].leave;
    return TEXT[lang].leave;
  });

  /* A page that just made a new secret link (a workspace started in step 1-2, a new trekker link)
   * puts it in the address bar, so a reload or a bookmark keeps the workspace: the kernel renders
   * <span class="pc-address" data-query="sleutel=…">. Only the query string changes (same page). */
  function followAddress(root) {
    var nodes = (root.querySelectorAll ? root : document).querySelectorAll(".pc-address[data-query]");
    for (var k = 0; k < nodes.length; k++) {
      var query = nodes[k].getAttribute("data-query") || "";
      if (/^[A-Za-z0-9_=&%.-]*$/.test(query) && window.location.search !== "?" + query) {
        window.history.replaceState(window.history.state, "", window.location.pathname + "?" + query);
      }
    }
  }
  new MutationObserver(function (records) {
    for (var k = 0; k < records.length; k++) {
      if (records[k].addedNodes.length) { followAddress(document); return; }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });

  /* Someone typing keeps the field when a live redraw replaces it. ipywidgets re-creates a Box's child
   * views from the first child that changed, so a row that moved, or a row above it that came or went,
   * gets a new input element. Fields the kernel marks with a class pc-keep-<key> (ui/common.py
   * keep_focus: one key per item and field) get the focus, the cursor and the keys typed in between back
   * when a field with the same key appears. A field the user left (focus elsewhere) is not taken back. */
  var kept = null;  /* {key, el, start, end, typed} of the marked field being typed in */
  function keepKey(el) {
    var box = el && el.closest ? el.closest('[class*="pc-keep-"]') : null;
    var m = box ? /(?:^|\s)(pc-keep-[A-Za-z0-9_-]+)/.exec(box.className) : null;
    return m ? m[1] : null;
  }
  function remember(ev) {
    var el = ev.target;
    if (!el || !/^(input|textarea)$/i.test(el.tagName || "")) { return; }
    if (kept && kept.el !== el && !kept.el.isConnected && document.activeElement !== el) { return; }
    var key = keepKey(el);
    kept = key ? { key: key, el: el, start: el.selectionStart, end: el.selectionEnd, typed: "" } : null;
  }
  ["focusin", "input", "keyup", "mouseup", "select"].forEach(function (type) {
    document.addEventListener(type, remember, true);
  });
  document.addEventListener("focusout", function (ev) {
    var el = ev.target;
    window.setTimeout(function () {  /* still on the page: the user went elsewhere (not a redraw) */
      if (kept && kept.el === el && el.isConnected) { kept = null; }
    }, 0);
  }, true);
  document.addEventListener("keydown", function (ev) {  /* typed while the field is being re-created */
    if (!kept || kept.el.isConnected || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) { return; }
    if (ev.key.length === 1) { kept.typed += ev.key; ev.preventDefault(); }
    else if (ev.key === "Backspace" && kept.typed) { kept.typed = kept.typed.slice(0, -1); ev.preventDefault(); }
  }, true);
  function restoreFocus() {
    if (!kept || kept.el.isConnected) { return; }
    var active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) { kept = null; return; }
    var field = document.querySelector("." + kept.key + " input, ." + kept.key + " textarea");
    if (!field || field.disabled) { return; }
    var start = Math.min(kept.start == null ? field.value.length : kept.start, field.value.length);
    var end = Math.min(kept.end == null ? start : kept.end, field.value.length);
    var typed = kept.typed;
    kept = { key: kept.key, el: field, start: start, end: end, typed: "" };
    field.focus();
    try { field.setSelectionRange(start, end); } catch (e) { /* a field type without a selection */ }
    if (typed) {
      field.setRangeText(typed, start, end, "end");
      field.dispatchEvent(new Event("input", { bubbles: true }));  /* ipywidgets sends it to the kernel */
    }
  }
  new MutationObserver(function () { if (kept && !kept.el.isConnected) { restoreFocus(); } })
    .observe(document.documentElement, { childList: true, subtree: true });

  document.addEventListener("DOMContentLoaded", function () {
    watchKernel();
    window.pcLocalise(document);
    /* links of the template's own pages (e.g. "to the start") keep the language */
    if (lang === "en") {
      var links = document.querySelectorAll("a[data-pc-keep-lang]");
      for (var k = 0; k < links.length; k++) { links[k].href = links[k].href + "?taal=en"; }
    }
  });
})();
