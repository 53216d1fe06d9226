/* The neighbourhood graph of an entity, drawn with the vendored cytoscape (static/vendor/cytoscape/).
 *
 * The page includes, in this order:
 *   <div id="graph" data-iri="IRI" data-api="/api/neighbourhood"></div>
 *   <script src="/static/vendor/cytoscape/cytoscape.min.js"></script>
 *   <script src="/static/graph.js"></script>
 * Whatever #graph holds (e.g. a no-script note) is replaced by the canvas. A legend, an alert area and a list
 * of the shown entities (each with a link and an "Expand" button, for keyboard and screen-reader users) are
 * inserted right after #graph.
 *
 * JSON contract: GET {data-api}?iri={encodeURIComponent(IRI)} answers
 *   {"nodes": [{"id": IRI, "label": str, "type": str, "url": str}],
 *    "edges": [{"source": IRI, "target": IRI, "label": str, "inferred": bool}]}
 * Edges whose ends are not among the nodes seen so far are skipped; the same (source, label, target) is drawn
 * once, dashed only if every answer gave it as inferred.
 *
 * Tap (or click) a node: expand it (its neighbourhood is fetched and merged in, then the layout is re-run).
 * Double-tap a node: go to its url. window.kgGraph = {cy, expand(iri)} is set for checks.
 */
(function () {
  "use strict";

  var V = window.kgViews;
  var el = V.el, headingLevel = V.headingLevel, safeUrl = V.safeUrl;

  var root = document.getElementById("graph");
  if (!root) return;

  var startIri = root.getAttribute("data-iri") || "";
  var api = root.getAttribute("data-api") || "/api/neighbourhood";
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // --- colours and shapes by type -----------------------------------------------------------------------
  // Shape by family (person, group, event, place, work, thing), colour by type; the legend shows both.
  var KNOWN = {
    "person": ["#e69f00", "ellipse"],
    "organization": ["#0072b2", "round-rectangle"],
    "organisation": ["#0072b2", "round-rectangle"],
    "military unit": ["#56b4e9", "round-rectangle"],
    "government": ["#332288", "round-rectangle"],
    "event": ["#d55e00", "diamond"],
    "war": ["#882255", "diamond"],
    "military operation": ["#cc79a7", "diamond"],
    "battle": ["#cc6677", "diamond"],
    "occupation": ["#999933", "diamond"],
    "attack": ["#ee3377", "diamond"],
    "place": ["#009e73", "hexagon"],
    "city": ["#117733", "hexagon"],
    "province": ["#44aa99", "hexagon"],
    "country": ["#ddcc77", "hexagon"],
    "river": ["#88ccee", "hexagon"],
    "island": ["#bbcc33", "hexagon"],
    "region": ["#aa4499", "hexagon"],
    "creative work": ["#f0e442", "rhomboid"],
    "equipment": ["#bbbbbb", "triangle"],
    "entity": ["#dddddd", "octagon"]
  };
  var SPARE = ["#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#ee7733", "#009988",
               "#cc3311", "#33bbee"];
  var styleOfType = {};
  var spareUsed = 0;
  function typeStyle(type) {
    var key = String(type || "entity").toLowerCase();
    if (!styleOfType[key]) {
      var known = KNOWN[key];
      styleOfType[key] = known ? { color: known[0], shape: known[1] }
                               : { color: SPARE[spareUsed++ % SPARE.length], shape: "octagon" };
    }
    return styleOfType[key];
  }

  // Legend swatches: the cytoscape shapes drawn in a 16x16 box.
  var SHAPE_SVG = {
    "ellipse": '<circle cx="8" cy="8" r="6.5"/>',
    "round-rectangle": '<rect x="1.5" y="3" width="13" height="10" rx="3"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8"/>',
    "hexagon": '<polygon points="4.5,2 11.5,2 15,8 11.5,14 4.5,14 1,8"/>',
    "rhomboid": '<polygon points="4,3 15,3 12,13 1,13"/>',
    "triangle": '<polygon points="8,1.5 15,14 1,14"/>',
    "octagon": '<polygon points="5.5,1 10.5,1 15,5.5 15,10.5 10.5,15 5.5,15 1,10.5 1,5.5"/>'
  };
  var SVGNS = "http://www.w3.org/2000/svg";
  function swatch(shape, color, extra) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.innerHTML = '<g fill="' + color + '" stroke="' + (extra && extra.stroke || "#1b1f24") + '" stroke-width="' +
      (extra && extra.strokeWidth || 1) + '">' + SHAPE_SVG[shape] + "</g>";
    return svg;
  }
  function lineSwatch(dashed) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", "32");
    svg.setAttribute("height", "10");
    svg.setAttribute("viewBox", "0 0 32 10");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.innerHTML = '<line x1="1" y1="5" x2="31" y2="5" stroke="#57606a" stroke-width="2"' +
      (dashed ? ' stroke-dasharray="5 3"' : "") + "/>";
    return svg;
  }

  // --- small DOM helpers --------------------------------------------------------------------------------
  // The level for our own headings: one below the nearest heading before #graph in its section (h2 if none).

  // --- the page parts around the canvas -----------------------------------------------------------------
  root.textContent = "";
  root.classList.add("graph-canvas");
  root.setAttribute("role", "img");
  root.setAttribute("aria-label", "Graph of the entity's neighbourhood; the same entities are listed below the legend.");

  var after = el("div", { "class": "graph-parts" });
  root.insertAdjacentElement("afterend", after);

  var alertBox = el("div", { "class": "view-alert", role: "alert" });
  alertBox.hidden = true;
  var status = el("p", { "class": "visually-hidden", role: "status", "aria-live": "polite" });

  var legend = el("div", { "class": "graph-legend" });
  var legendTitle = el("p", { "class": "graph-legend-title", id: "graph-legend-title" }, "Legend");
  var legendTypes = el("ul", { "class": "graph-legend-types", "aria-labelledby": "graph-legend-title" });
  var legendMarks = el("ul", { "class": "graph-legend-marks", "aria-label": "Lines and rings" });
  var marks = [
    [lineSwatch(false), "asserted relation (arrow: subject to object)"],
    [lineSwatch(true), "inferred relation"],
    [swatch("ellipse", "#ffffff", { stroke: "#1b1f24", strokeWidth: 3 }), "thick ring: the entity of this page"],
    [swatch("ellipse", "#ffffff", { stroke: "#0b5cad", strokeWidth: 2 }), "blue ring: expanded"]
  ];
  marks.forEach(function (m) {
    var li = el("li");
    li.appendChild(m[0]);
    li.appendChild(document.createTextNode(" " + m[1]));
    legendMarks.appendChild(li);
  });
  var HINT = "Tap or click an entity to show its neighbours; double-tap or double-click to open its page. " +
    "Drag to pan, scroll or pinch to zoom.";
  var hint = el("p", { "class": "graph-hint" }, HINT);
  legend.appendChild(legendTitle);
  legend.appendChild(legendTypes);
  legend.appendChild(legendMarks);
  legend.appendChild(hint);

  var listSection = el("section", { "class": "graph-nodes", "aria-labelledby": "graph-nodes-title" });
  var listTitle = el("h" + headingLevel(root), { id: "graph-nodes-title" }, "Entities shown in the graph");
  var countText = el("span", { "class": "graph-count" });
  listTitle.appendChild(document.createTextNode(" "));
  listTitle.appendChild(countText);
  var list = el("ul", { "class": "graph-list" });
  listSection.appendChild(listTitle);
  listSection.appendChild(list);

  after.appendChild(alertBox);
  after.appendChild(legend);
  after.appendChild(status);
  after.appendChild(listSection);

  function showError(message) {
    alertBox.textContent = message;
    alertBox.hidden = false;
  }
  function clearError() {
    alertBox.hidden = true;
    alertBox.textContent = "";
  }

  // --- state ---------------------------------------------------------------------------------------------
  var cy = null;
  var nodes = {};        // id -> {data, li, button, edgeList, expanded, pending}
  var nodeOrder = [];
  var edgeIdByKey = {};  // source \0 label \0 target -> cytoscape edge id
  var edgeCount = 0;
  var navigating = false;
  var shownTypes = {};
  var domIds = 0;

  function fetchNeighbourhood(iri) {
    var url = api + (api.indexOf("?") >= 0 ? "&" : "?") + "iri=" + encodeURIComponent(iri);
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (resp) {
        if (!resp.ok) {
          return resp.text().then(function (body) {
            var detail = "";
            try {
              var j = JSON.parse(body);
              if (j && typeof j.detail === "string") detail = ": " + j.detail;
            } catch (e) { /* not JSON */ }
            throw new Error("the server answered " + resp.status + (resp.statusText ? " " + resp.statusText : "") + detail);
          });
        }
        return resp.json().catch(function () { throw new Error("the server's answer is not JSON"); });
      }, function () {
        throw new Error("the server could not be reached");
      })
      .then(function (data) {
        if (!data || !Array.isArray(data.nodes) || !Array.isArray(data.edges)) {
          throw new Error("the server's answer has no nodes and edges");
        }
        return data;
      });
  }

  function labelOf(id) {
    var n = nodes[id];
    return n ? n.data.label : id;
  }

  function addLegendType(type) {
    var key = String(type || "entity").toLowerCase();
    if (shownTypes[key]) return;
    shownTypes[key] = true;
    var st = typeStyle(type);
    var li = el("li");
    li.appendChild(swatch(st.shape, st.color));
    li.appendChild(document.createTextNode(" " + (type || "entity")));
    legendTypes.appendChild(li);
  }

  function addListItem(id) {
    var n = nodes[id];
    var li = el("li", { "class": "graph-node" });
    li.setAttribute("data-iri", id);
    var linkId = "graph-node-" + (++domIds);
    var href = safeUrl(n.data.url);
    var link = href ? el("a", { href: href, id: linkId }, n.data.label) : el("span", { id: linkId }, n.data.label);
    li.appendChild(link);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", { "class": "graph-type" }, "(" + n.data.type + ")"));
    if (id === startIri) li.appendChild(el("span", { "class": "graph-start" }, " this page's entity"));
    li.appendChild(document.createTextNode(" "));
    var button = el("button", { type: "button", "class": "graph-expand", "aria-describedby": linkId }, "Expand");
    button.addEventListener("click", function () { expand(id); });
    li.appendChild(button);
    var edgeList = el("ul", { "class": "graph-edges" });
    li.appendChild(edgeList);
    li.addEventListener("focusin", function () {
      if (!cy) return;
      cy.elements(":selected").unselect();
      cy.getElementById(id).select();
    });
    n.li = li;
    n.button = button;
    n.edgeList = edgeList;
    list.appendChild(li);
    syncButton(id);
  }

  function syncButton(id) {
    var n = nodes[id];
    if (!n.button) return;
    if (n.pending) {
      n.button.textContent = "Expanding…";
      n.button.setAttribute("aria-disabled", "true");
    } else if (n.expanded) {
      n.button.textContent = "Expanded";
      n.button.setAttribute("aria-disabled", "true");
    } else {
      n.button.textContent = "Expand";
      n.button.removeAttribute("aria-disabled");
    }
  }

  function addEdgeText(id, text, inferred) {
    var n = nodes[id];
    if (!n || !n.edgeList) return;
    var li = el("li", null, text);
    if (inferred) {
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", { "class": "inferred" }, "inferred"));
    }
    n.edgeList.appendChild(li);
    return li;
  }

  // Merge one answer into the graph. Returns the elements to add to cytoscape and how many nodes are new.
  function merge(data, around) {
    var add = [];
    var newIds = [];
    var at = around && cy ? cy.getElementById(around).position() : null;
    var origin = at ? { x: at.x, y: at.y } : null;
    var fresh = data.nodes.filter(function (n) {
      return n && typeof n.id === "string" && n.id && !nodes[n.id];
    });
    fresh.sort(function (a, b) { return String(a.label || a.id).localeCompare(String(b.label || b.id)); });
    fresh.forEach(function (n) {
      if (nodes[n.id]) return;  // the same id twice in one answer
      var type = typeof n.type === "string" && n.type ? n.type : "entity";
      var st = typeStyle(type);
      var d = { id: n.id, label: String(n.label || n.id), type: type, url: typeof n.url === "string" ? n.url : "",
                color: st.color, shape: st.shape };
      nodes[n.id] = { data: d, expanded: false, pending: false };
      nodeOrder.push(n.id);
      newIds.push(n.id);
      var item = { group: "nodes", data: d, classes: n.id === startIri ? "start" : "" };
      if (origin) {
        item.position = { x: origin.x + (Math.random() - 0.5) * 60, y: origin.y + (Math.random() - 0.5) * 60 };
      }
      add.push(item);
      addLegendType(type);
    });
    var newEdges = 0;
    data.edges.forEach(function (e) {
      if (!e || !nodes[e.source] || !nodes[e.target]) return;
      var label = String(e.label == null ? "" : e.label);
      var inferred = e.inferred === true;
      var key = e.source + "\u0000" + label + "\u0000" + e.target;
      var existing = edgeIdByKey[key];
      if (existing) {
        if (!inferred) {
          var rec = existing;
          if (rec.inferred) {
            rec.inferred = false;
            if (cy) cy.getElementById(rec.id).removeClass("inferred").data("inferred", false);
            rec.items.forEach(function (li) {
              var tag = li.querySelector(".inferred");
              if (tag) li.removeChild(tag);
            });
          }
        }
        return;
      }
      var id = "edge-" + (++edgeCount);
      edgeIdByKey[key] = { id: id, inferred: inferred, items: [] };
      add.push({ group: "edges", data: { id: id, source: e.source, target: e.target, label: label, inferred: inferred },
                 classes: inferred ? "inferred" : "" });
      newEdges++;
    });
    return { add: add, newIds: newIds, newEdges: newEdges };
  }

  // List entries: new nodes get an item; every new edge is told under both of its ends.
  function updateList(merged) {
    merged.newIds.forEach(addListItem);
    merged.add.forEach(function (item) {
      if (item.group !== "edges") return;
      var d = item.data;
      var rec = edgeIdByKey[d.source + "\u0000" + d.label + "\u0000" + d.target];
      var a = addEdgeText(d.source, "→ " + d.label + ": " + labelOf(d.target), d.inferred);
      var b = addEdgeText(d.target, "← " + d.label + ": " + labelOf(d.source), d.inferred);
      if (a) rec.items.push(a);
      if (b) rec.items.push(b);
    });
    countText.textContent = "(" + nodeOrder.length + ")";
  }

  // cose, spread over the canvas's own shape (a wide box gives a wide drawing), then zoomed to fit but not
  // beyond 1.25 (a graph of two nodes is not blown up).
  var layout = null;
  function runLayout(first) {
    var w = Math.max(200, root.clientWidth), h = Math.max(200, root.clientHeight);
    if (layout) layout.stop();  // a quick second expansion: the new layout takes over
    layout = cy.layout({
      name: "cose",
      animate: !first && !reducedMotion,
      animationDuration: 400,
      randomize: !!first,
      fit: true,
      padding: 24,
      boundingBox: { x1: 0, y1: 0, w: w, h: h },
      nodeDimensionsIncludeLabels: true,
      idealEdgeLength: function () { return 70; },
      edgeElasticity: function () { return 80; },
      nodeRepulsion: function () { return 60000; },
      gravity: 0.6,
      componentSpacing: 60,
      numIter: 1500
    });
    layout.one("layoutstop", function () {
      if (cy.zoom() > 1.25) {
        cy.zoom(1.25);
        cy.center();
      }
    });
    layout.run();
  }

  var STYLE = [
    { selector: "node", style: {
      "background-color": "data(color)", "shape": "data(shape)", "width": 26, "height": 26,
      "border-width": 1, "border-color": "#1b1f24",
      "label": "data(label)", "font-size": 12, "color": "#1b1f24",
      "font-family": "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif",
      "text-valign": "bottom", "text-halign": "center", "text-margin-y": 4,
      "text-wrap": "ellipsis", "text-max-width": "140px",
      "text-outline-color": "#ffffff", "text-outline-width": 2 } },
    { selector: "node.expanded", style: { "border-width": 3, "border-color": "#0b5cad" } },
    { selector: "node.start", style: { "width": 36, "height": 36, "border-width": 5, "border-color": "#1b1f24",
                                       "font-weight": "bold", "font-size": 13 } },
    { selector: "node:selected", style: { "overlay-color": "#0b5cad", "overlay-opacity": 0.25, "overlay-padding": 6 } },
    { selector: "edge", style: {
      "width": 1.5, "line-color": "#57606a", "curve-style": "bezier",
      "target-arrow-shape": "triangle", "target-arrow-color": "#57606a", "arrow-scale": 0.9,
      "control-point-step-size": 18,
      "font-size": 10, "color": "#3d444d",
      "font-family": "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif",
      "text-rotation": "autorotate", "text-background-color": "#ffffff", "text-background-opacity": 0.85,
      "text-background-padding": 1 } },
    { selector: "edge.labelled", style: { "label": "data(label)" } },
    { selector: "edge.inferred", style: { "line-style": "dashed", "line-dash-pattern": [6, 4],
                                          "font-style": "italic" } },
    { selector: "edge:selected", style: { "line-color": "#0b5cad", "target-arrow-color": "#0b5cad", "width": 2.5 } }
  ];

  // Relation names on the canvas: all of them while there are few edges; past that only those of the
  // entity pointed at or selected (the list below names every relation anyway).
  var FEW_EDGES = 24;
  var pointed = null;
  function refreshEdgeLabels() {
    if (!cy) return;
    var all = cy.edges();
    if (all.length <= FEW_EDGES) {
      all.addClass("labelled");
      hint.textContent = HINT;
      return;
    }
    all.removeClass("labelled");
    cy.nodes(":selected").connectedEdges().addClass("labelled");
    if (pointed) pointed.connectedEdges().addClass("labelled");
    hint.textContent = HINT + " Relation names show on the lines of the entity you point at or select.";
  }

  function goTo(id) {
    var n = nodes[id];
    var href = n && safeUrl(n.data.url);
    if (!href) return;
    navigating = true;
    window.location.assign(href);
  }

  function expand(id) {
    var n = nodes[id];
    if (!n || n.pending || n.expanded || navigating) return Promise.resolve();
    n.pending = true;
    syncButton(id);
    return fetchNeighbourhood(id).then(function (data) {
      n.pending = false;
      n.expanded = true;
      clearError();
      var merged = merge(data, id);
      if (merged.add.length) cy.add(merged.add);
      cy.getElementById(id).addClass("expanded");
      refreshEdgeLabels();
      updateList(merged);
      syncButton(id);
      status.textContent = merged.newIds.length || merged.newEdges
        ? "Expanded " + n.data.label + ": " + merged.newIds.length + " new " +
          (merged.newIds.length === 1 ? "entity" : "entities") + ", " + merged.newEdges + " new " +
          (merged.newEdges === 1 ? "relation" : "relations") + "."
        : "Expanded " + n.data.label + ": nothing new.";
      if (merged.add.length) runLayout(false);
    }, function (err) {
      n.pending = false;
      syncButton(id);
      if (navigating) return;
      showError("Could not expand " + n.data.label + ": " + err.message + ".");
    });
  }

  function start() {
    if (!startIri) {
      showError("This page names no entity to draw (the graph element has no data-iri).");
      return;
    }
    if (typeof window.cytoscape !== "function") {
      showError("The graph cannot be drawn: the cytoscape library did not load.");
      return;
    }
    root.setAttribute("aria-busy", "true");
    fetchNeighbourhood(startIri).then(function (data) {
      root.removeAttribute("aria-busy");
      if (!data.nodes.some(function (n) { return n && n.id === startIri; })) {
        var tail = startIri.replace(/[#/]+$/, "").split(/[#/]/).pop() || startIri;
        data.nodes.unshift({ id: startIri, label: tail, type: "entity", url: "" });
      }
      // The entity of the page first in the list.
      data.nodes.sort(function (a, b) { return (b && b.id === startIri) - (a && a.id === startIri); });
      var first = data.nodes.shift();
      var merged0 = merge({ nodes: [first], edges: [] }, null);
      var merged = merge(data, null);
      merged.add = merged0.add.concat(merged.add);
      merged.newIds = merged0.newIds.concat(merged.newIds);
      nodes[startIri].expanded = true;

      cy = window.cytoscape({
        container: root,
        elements: merged.add,
        style: STYLE,
        minZoom: 0.2,
        maxZoom: 3,
        boxSelectionEnabled: false
      });
      cy.getElementById(startIri).addClass("expanded");
      refreshEdgeLabels();
      updateList(merged);
      runLayout(true);
      status.textContent = merged.newIds.length - 1 === 0
        ? "This entity has no relation to other entities yet."
        : "Showing " + nodes[startIri].data.label + " and " + (merged.newIds.length - 1) + " related " +
          (merged.newIds.length - 1 === 1 ? "entity" : "entities") + ".";
      if (merged.newIds.length === 1) {
        var note = el("p", { "class": "graph-empty" }, "This entity has no relation to other entities yet.");
        listSection.insertBefore(note, list);
      }

      // "onetap" fires only when no second tap follows (within multiClickDebounceTime), so a double-tap
      // navigates without starting an expansion first.
      cy.on("onetap", "node", function (evt) { expand(evt.target.id()); });
      cy.on("dbltap", "node", function (evt) { goTo(evt.target.id()); });
      cy.on("mouseover", "node", function (evt) {
        root.style.cursor = "pointer";
        pointed = evt.target;
        refreshEdgeLabels();
      });
      cy.on("mouseout", "node", function () {
        root.style.cursor = "";
        pointed = null;
        refreshEdgeLabels();
      });
      cy.on("select unselect", "node", refreshEdgeLabels);
      window.kgGraph.cy = cy;
    }, function (err) {
      root.removeAttribute("aria-busy");
      showError("Could not load the graph: " + err.message + ".");
    });
  }

  window.kgGraph = { cy: null, expand: expand };
  window.addEventListener("pagehide", function () { navigating = true; });
  window.addEventListener("pageshow", function () { navigating = false; });
  start();
})();
