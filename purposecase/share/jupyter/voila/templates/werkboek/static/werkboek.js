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
    nl: { step: "Het hoofdstuk wordt opgebouwd ({i} van {n})…" },
    en: { step: "Building the chapter ({i} of {n})…" }
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

  document.addEventListener("DOMContentLoaded", function () {
    window.pcLocalise(document);
    /* links of the template's own pages (e.g. "to the start") keep the language */
    if (lang === "en") {
      var links = document.querySelectorAll("a[data-pc-keep-lang]");
      for (var k = 0; k < links.length; k++) { links[k].href = links[k].href + "?taal=en"; }
    }
  });
})();
