/* Small DOM helpers shared by the views (graph.js, timeline.js, map.js). Load it before them:
 *   <script src="/static/views.js"></script>
 */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";

  function set(e, attrs, text) {
    if (attrs) for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  // An HTML element with attributes and text.
  function el(tag, attrs, text) { return set(document.createElement(tag), attrs, text); }
  // An SVG element with attributes and text.
  function svg(tag, attrs, text) { return set(document.createElementNS(SVGNS, tag), attrs, text); }
  // The level for a heading placed at node: one below the nearest heading before it (h2 at most).
  function headingLevel(node) {
    for (var n = node; n && n !== document.body; n = n.parentElement) {
      for (var p = n.previousElementSibling; p; p = p.previousElementSibling) {
        var m = /^H([1-6])$/.exec(p.tagName);
        if (m) return Math.min(6, Number(m[1]) + 1);
      }
    }
    return 2;
  }
  // An http(s) URL resolved against the page, or null for anything else (javascript:, data:, garbage).
  function safeUrl(url) {
    if (!url || typeof url !== "string") return null;
    try {
      var u = new URL(url, window.location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }
  // Empty a view's root, give it its class and a hidden alert box; returns the function that shows an error there.
  function begin(root, cls) {
    root.textContent = "";
    root.classList.add(cls);
    var alertBox = el("div", { "class": "view-alert", role: "alert" });
    alertBox.hidden = true;
    root.appendChild(alertBox);
    return function showError(message) {
      alertBox.textContent = message;
      alertBox.hidden = false;
    };
  }
  // The width in pixels of a label in the views' font (12px system sans-serif), for fitting labels in SVG.
  var FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  var measureCtx = null;
  function textWidth(text) {
    if (!measureCtx) {
      measureCtx = document.createElement("canvas").getContext("2d");
      if (measureCtx) measureCtx.font = FONT;
    }
    return measureCtx ? measureCtx.measureText(text).width : text.length * 7;
  }
  window.kgViews = { SVGNS: SVGNS, FONT: FONT, el: el, svg: svg, headingLevel: headingLevel, safeUrl: safeUrl,
                     textWidth: textWidth, begin: begin };
})();
