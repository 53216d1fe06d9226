/* The timeline of the graph's dated events: an SVG chart (scrolls sideways on a narrow screen) and the same
 * events as an ordered list in date order, the events with no date last, under "Undated".
 *
 * The page includes:
 *   <div id="timeline" data-src="/api/timeline"></div>
 *   <script src="/static/timeline.js"></script>
 * Whatever #timeline holds (e.g. a no-script note) is replaced.
 *
 * JSON contract: GET {data-src} answers
 *   {"events": [{"iri": str, "label": str, "url": str (or null: no link), "start": "YYYY[-MM[-DD]]" or null,
 *                "end": same or null, "sources": int}]}
 * A date may have a sign (-0044 is 45 BCE, as in xsd:date) and anything after the day (a time) is ignored.
 * A date given to the year or month covers that whole year or month: a bar runs from the beginning of its
 * start to the end of its end; an event with a start only (or an end only) is a dot in the middle of it.
 */
(function () {
  "use strict";

  var V = window.kgViews;
  var el = V.el, svg = V.svg, headingLevel = V.headingLevel, safeUrl = V.safeUrl,
      textWidth = V.textWidth;

  var root = document.getElementById("timeline");
  if (!root) return;
  var src = root.getAttribute("data-src");

  var SVGNS = "http://www.w3.org/2000/svg";
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];
  var DAY = 86400000;
  var FONT = V.FONT;


  // --- dates -----------------------------------------------------------------------------------------------
  function utc(y, m0, d) {
    var t = new Date(0);
    t.setUTCFullYear(y, m0, d);  // unlike Date.UTC, years 0-99 stay themselves
    t.setUTCHours(0, 0, 0, 0);
    return t.getTime();
  }
  function parseDate(s) {
    if (typeof s !== "string") return null;
    var m = /^\s*([+-]?\d{1,6})(?:-(\d{1,2})(?:-(\d{1,2}))?)?/.exec(s);
    if (!m) return null;
    var y = Number(m[1]);
    var mo = m[2] ? Number(m[2]) : null;
    var d = m[3] ? Number(m[3]) : null;
    if (mo !== null && (mo < 1 || mo > 12)) { mo = null; d = null; }
    if (d !== null && (d < 1 || d > 31)) d = null;
    var begin, end;
    if (d !== null) { begin = utc(y, mo - 1, d); end = begin + DAY; }
    else if (mo !== null) { begin = utc(y, mo - 1, 1); end = utc(y, mo, 1); }
    else { begin = utc(y, 0, 1); end = utc(y + 1, 0, 1); }
    return { y: y, m: mo, d: d, begin: begin, end: end, mid: (begin + end) / 2 };
  }
  function yearText(y) {
    return y > 0 ? String(y) : (1 - y) + " BCE";  // xsd: year 0 is 1 BCE
  }
  function dateText(p) {
    var s = yearText(p.y);
    if (p.m !== null) s = MONTHS[p.m - 1] + " " + s;
    if (p.d !== null) s = p.d + " " + s;
    return s;
  }
  function pad(n, w) {
    var s = String(Math.abs(n));
    while (s.length < w) s = "0" + s;
    return s;
  }
  function datetimeAttr(p) {
    if (p.y < 1) return null;  // HTML's <time> has no years before 1
    var s = pad(p.y, 4);
    if (p.m !== null) s += "-" + pad(p.m, 2);
    if (p.d !== null) s += "-" + pad(p.d, 2);
    return s;
  }
  function timeEl(p) {
    var t = el("time", null, dateText(p));
    var a = datetimeAttr(p);
    if (a) t.setAttribute("datetime", a);
    return t;
  }
  function monthIndex(ms) {  // months since year 0
    var t = new Date(ms);
    return t.getUTCFullYear() * 12 + t.getUTCMonth();
  }
  function monthStart(index) {
    var y = Math.floor(index / 12);
    return utc(y, index - y * 12, 1);
  }

  // --- the page parts ---------------------------------------------------------------------------------------
  var showError = V.begin(root, "timeline");
  var level = headingLevel(root);

  function fitText(text, room) {
    if (textWidth(text) <= room) return text;
    var lo = 0, hi = text.length;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (textWidth(text.slice(0, mid) + "…") <= room) lo = mid; else hi = mid - 1;
    }
    return lo > 0 ? text.slice(0, lo) + "…" : "";
  }

  function describe(ev) {
    if (ev.start && ev.end) return dateText(ev.start) + " – " + dateText(ev.end);
    if (ev.start) return dateText(ev.start);
    if (ev.end) return "until " + dateText(ev.end);
    return "undated";
  }
  function sourcesText(n) {
    return n === 1 ? "1 source" : n + " sources";
  }

  // --- the chart ----------------------------------------------------------------------------------------------
  var STEPS = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000];
  var MARGIN = 16, AXIS = 34, LANE = 26, MIN_WIDTH = 640;

  function drawChart(holder, dated) {
    holder.textContent = "";
    var lo = Infinity, hi = -Infinity;
    dated.forEach(function (ev) { lo = Math.min(lo, ev.x0); hi = Math.max(hi, ev.x1); });
    var span = Math.max(hi - lo, 60 * DAY);
    var padMs = span * 0.03;
    lo -= padMs + (span - (hi - lo)) / 2;
    hi = lo + span + 2 * padMs;
    var width = Math.max(MIN_WIDTH, Math.floor(holder.clientWidth || 0));
    var inner = width - 2 * MARGIN;
    function x(ms) { return MARGIN + (ms - lo) / (hi - lo) * inner; }

    // Ticks: the smallest step (in months) that leaves room for a label.
    var pxPerMonth = inner / ((hi - lo) / (30.44 * DAY));
    var step = STEPS[STEPS.length - 1];
    for (var i = 0; i < STEPS.length; i++) {
      if (STEPS[i] * pxPerMonth >= (STEPS[i] < 12 ? 72 : 56)) { step = STEPS[i]; break; }
    }
    var ticks = [];
    var first = Math.ceil(monthIndex(lo) / step) * step;
    for (var mi = first; monthStart(mi) <= hi; mi += step) {
      var ms = monthStart(mi);
      if (ms < lo) continue;
      var y = Math.floor(mi / 12), m0 = mi - y * 12;
      var label = step >= 12 ? yearText(y) : (m0 === 0 || ticks.length === 0 ? MONTHS[m0].slice(0, 3) + " " + yearText(y)
                                                                               : MONTHS[m0].slice(0, 3));
      ticks.push({ x: x(ms), label: label, major: step >= 12 || m0 === 0 });
    }

    // Place every event in the first lane where it and its label fit.
    var lanes = [];
    var items = dated.map(function (ev) {
      var x0 = x(ev.x0), x1 = ev.dot ? x(ev.x0) : Math.max(x(ev.x1), x(ev.x0) + 4);
      var full = ev.label;
      var w = textWidth(full);
      var right = width - MARGIN - (x1 + 8), left = (x0 - 8) - MARGIN, inside = x1 - x0 - 12;
      // The label goes right of the mark, else left of it, else inside a long enough bar, else where there
      // is more room, cut with an ellipsis (the list below has it whole).
      var side = w <= right ? "right" : w <= left ? "left" : !ev.dot && w <= inside ? "inside"
               : right >= left ? "right" : "left";
      var text = side === "inside" ? full : fitText(full, Math.max(side === "right" ? right : left, 60));
      var tw = textWidth(text);
      var a = side === "right" || side === "inside" ? x0 - 6 : x0 - 8 - tw;
      var b = side === "left" || side === "inside" ? x1 + 6 : x1 + 8 + tw;
      var lane = 0;
      while (lane < lanes.length && lanes[lane] + 6 > a) lane++;
      lanes[lane] = b;
      return { ev: ev, x0: x0, x1: x1, side: side, text: text, lane: lane };
    });

    var height = AXIS + lanes.length * LANE + 12;
    var chart = svg("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height,
                             "class": "timeline-svg", "aria-hidden": "true", focusable: "false" });
    var grid = svg("g", { "class": "timeline-grid" });
    ticks.forEach(function (t) {
      grid.appendChild(svg("line", { x1: t.x, x2: t.x, y1: AXIS - 6, y2: height - 4,
                                     stroke: t.major ? "#c4cad1" : "#e3e7eb", "stroke-width": 1 }));
      grid.appendChild(svg("text", { x: t.x, y: AXIS - 12, "text-anchor": "middle", "class": "timeline-tick",
                                     fill: "#3d444d", "font-size": 12 }, t.label));
    });
    grid.appendChild(svg("line", { x1: MARGIN, x2: width - MARGIN, y1: AXIS - 6, y2: AXIS - 6,
                                   stroke: "#57606a", "stroke-width": 1 }));
    chart.appendChild(grid);

    var marks = svg("g", { "class": "timeline-events" });
    items.forEach(function (it) {
      var cy = AXIS + it.lane * LANE + LANE / 2;
      var g = svg("g", { "class": "timeline-event" });
      g.appendChild(svg("title", null, it.ev.label + ": " + describe(it.ev) + " (" + sourcesText(it.ev.sources) + ")"));
      if (it.ev.dot) {
        g.appendChild(svg("circle", { cx: it.x0, cy: cy, r: 5, fill: it.ev.endOnly ? "#ffffff" : "#0b5cad",
                                      stroke: "#0b5cad", "stroke-width": 2 }));
      } else {
        var tall = it.side === "inside";
        g.appendChild(svg("rect", { x: it.x0, y: cy - (tall ? 9 : 5), width: it.x1 - it.x0, height: tall ? 18 : 10,
                                    rx: 3, fill: "#0b5cad" }));
      }
      var tx = it.side === "right" ? it.x1 + 8 : it.side === "inside" ? it.x0 + 6 : it.x0 - 8;
      var text = svg("text", { x: tx, y: cy + 4, "text-anchor": it.side === "left" ? "end" : "start",
                               "font-size": 12 }, it.text);
      if (it.side === "inside") text.setAttribute("class", "timeline-inside");
      var href = safeUrl(it.ev.url);
      if (href) {
        var a = svg("a", { href: href, tabindex: "-1" });
        a.appendChild(text);
        g.appendChild(a);
      } else {
        g.appendChild(text);
      }
      marks.appendChild(g);
    });
    chart.appendChild(marks);
    holder.appendChild(chart);
  }

  function render(events) {
    var all = events.map(function (e) {
      var start = parseDate(e.start), end = parseDate(e.end);
      var ev = { label: String(e.label || e.iri || "(no label)"), url: e.url, iri: e.iri,
                 sources: typeof e.sources === "number" ? e.sources : 0, start: start, end: end };
      if (start && end) {
        ev.x0 = Math.min(start.begin, end.begin);
        ev.x1 = Math.max(start.end, end.end);
        ev.dot = false;
      } else if (start || end) {
        ev.x0 = ev.x1 = (start || end).mid;
        ev.dot = true;
        ev.endOnly = !start;
      }
      ev.key = start ? start.begin : end ? end.begin : null;
      return ev;
    });
    var dated = all.filter(function (ev) { return ev.key !== null; });
    var undated = all.filter(function (ev) { return ev.key === null; });
    dated.sort(function (a, b) {
      return a.key - b.key || (a.x1 - a.x0) - (b.x1 - b.x0) || a.label.localeCompare(b.label);
    });
    undated.sort(function (a, b) { return a.label.localeCompare(b.label); });

    if (!all.length) {
      root.appendChild(el("p", { "class": "view-empty" }, "No event in the graph has a date yet."));
      return;
    }

    if (dated.length) {
      var figure = el("figure", { "class": "timeline-figure" });
      var scroller = el("div", { "class": "timeline-scroll", tabindex: "0", role: "group",
                                 "aria-label": "Timeline chart, scrolls sideways; the events are listed below" });
      figure.appendChild(scroller);
      var cap = el("figcaption", null,
        dated.length + (dated.length === 1 ? " dated event" : " dated events") + ", from " +
        yearText(new Date(dated[0].x0).getUTCFullYear()) + " to " +
        yearText(new Date(Math.max.apply(null, dated.map(function (e) { return e.x1 - 1; }))).getUTCFullYear()) +
        ". A bar runs from the start to the end; a dot is an event with one date (hollow: an end date only). " +
        "A date given only to the year or month covers the whole year or month.");
      figure.appendChild(cap);
      root.appendChild(figure);
      drawChart(scroller, dated);
      var lastWidth = scroller.clientWidth;
      var timer = null;
      window.addEventListener("resize", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          if (scroller.clientWidth !== lastWidth) {
            lastWidth = scroller.clientWidth;
            drawChart(scroller, dated);
          }
        }, 150);
      });
    }

    var h = el("h" + level, { "class": "timeline-list-title" }, "Events in date order");
    root.appendChild(h);
    if (dated.length) {
      var ol = el("ol", { "class": "timeline-list" });
      dated.forEach(function (ev) { ol.appendChild(item(ev)); });
      root.appendChild(ol);
    } else {
      root.appendChild(el("p", { "class": "view-empty" }, "No event in the graph has a date yet."));
    }
    if (undated.length) {
      root.appendChild(el("h" + Math.min(6, level + 1), { "class": "timeline-undated-title" }, "Undated"));
      var ul = el("ul", { "class": "timeline-undated" });
      undated.forEach(function (ev) { ul.appendChild(item(ev)); });
      root.appendChild(ul);
    }
  }

  function item(ev) {
    var li = el("li");
    var href = safeUrl(ev.url);
    li.appendChild(href ? el("a", { href: href }, ev.label) : el("span", null, ev.label));
    li.appendChild(document.createTextNode(" "));
    var dates = el("span", { "class": "timeline-dates" });
    if (ev.start && ev.end) {
      dates.appendChild(timeEl(ev.start));
      dates.appendChild(document.createTextNode(" – "));
      dates.appendChild(timeEl(ev.end));
    } else if (ev.start) {
      dates.appendChild(timeEl(ev.start));
    } else if (ev.end) {
      dates.appendChild(document.createTextNode("until "));
      dates.appendChild(timeEl(ev.end));
    }
    if (ev.start || ev.end) {
      li.appendChild(dates);
      li.appendChild(document.createTextNode(" "));
    }
    li.appendChild(el("span", { "class": "timeline-sources" }, "(" + sourcesText(ev.sources) + ")"));
    return li;
  }

  if (!src) {
    showError("The timeline has no data source (data-src).");
    return;
  }
  root.setAttribute("aria-busy", "true");
  fetch(src, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (resp) {
      if (!resp.ok) throw new Error("the server answered " + resp.status + (resp.statusText ? " " + resp.statusText : ""));
      return resp.json().catch(function () { throw new Error("the server's answer is not JSON"); });
    }, function () {
      throw new Error("the server could not be reached");
    })
    .then(function (data) {
      if (!data || !Array.isArray(data.events)) throw new Error("the server's answer has no events");
      root.removeAttribute("aria-busy");
      render(data.events.filter(function (e) { return e && typeof e === "object"; }));
    })
    .catch(function (err) {
      root.removeAttribute("aria-busy");
      showError("Could not load the timeline: " + err.message + ".");
    });
})();
