/* An offline map of the graph's places: country outlines from the vendored world-atlas (Natural Earth 1:110m),
 * an equirectangular projection zoomed to the places, a dot and a label link per place, and the same places
 * as a list with their coordinates in text. No tile server: the only requests are to this site.
 *
 * The page includes topojson-client BEFORE this file:
 *   <div id="map" data-src="/api/places"></div>
 *   <script src="/static/vendor/topojson-client/topojson-client.min.js"></script>
 *   <script src="/static/map.js"></script>
 * (If window.topojson is missing, map.js adds that same <script> itself, from the folder it was loaded from.)
 * Optional: data-atlas="URL" on #map for another TopoJSON file with an object "countries"
 * (default: vendor/world-atlas/countries-110m.json next to this file, i.e. /static/vendor/...).
 * Whatever #map holds (e.g. a no-script note) is replaced.
 *
 * JSON contract: GET {data-src} answers
 *   {"places": [{"iri": str, "label": str, "url": str, "type": str, "lat": number, "lon": number}]}
 * Places whose lat/lon are not numbers in range (strings holding numbers are accepted) are left out.
 */
(function () {
  "use strict";

  var V = window.kgViews;
  var el = V.el, svg = V.svg, headingLevel = V.headingLevel, safeUrl = V.safeUrl,
      textWidth = V.textWidth;

  var script = document.currentScript;
  var base = script && script.src ? new URL(".", script.src).href : new URL("/static/", window.location.href).href;

  var root = document.getElementById("map");
  if (!root) return;
  var src = root.getAttribute("data-src");
  var atlasUrl = root.getAttribute("data-atlas") || base + "vendor/world-atlas/countries-110m.json";

  var SVGNS = "http://www.w3.org/2000/svg";
  var FONT = V.FONT;

  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }


  function fmt(v, digits) {
    return (Math.round(Math.abs(v) * Math.pow(10, digits)) / Math.pow(10, digits)).toString();
  }
  function latText(lat, digits) { var t = fmt(lat, digits); return t === "0" ? "0°" : t + "°\u00a0" + (lat >= 0 ? "N" : "S"); }
  function lonText(lon, digits) {
    var t = fmt(lon, digits);
    return t === "0" || t === "180" ? t + "°" : t + "°\u00a0" + (lon >= 0 ? "E" : "W");
  }

  // --- page parts --------------------------------------------------------------------------------------------
  var showError = V.begin(root, "map");

  function getJson(url, what) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (resp) {
        if (!resp.ok) throw new Error(what + ": the server answered " + resp.status + (resp.statusText ? " " + resp.statusText : ""));
        return resp.json().catch(function () { throw new Error(what + ": the answer is not JSON"); });
      }, function () {
        throw new Error(what + ": the server could not be reached");
      });
  }

  function ensureTopojson() {
    if (window.topojson && typeof window.topojson.feature === "function") return Promise.resolve(window.topojson);
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = base + "vendor/topojson-client/topojson-client.min.js";
      s.onload = function () {
        if (window.topojson && typeof window.topojson.feature === "function") resolve(window.topojson);
        else reject(new Error("topojson-client did not load"));
      };
      s.onerror = function () { reject(new Error("topojson-client did not load")); };
      document.head.appendChild(s);
    });
  }

  // --- projection: equirectangular, with the parallel of the view's middle as standard parallel ---------------
  function viewOf(places, width) {
    var minLat = Infinity, maxLat = -Infinity, minLon = Infinity, maxLon = -Infinity;
    places.forEach(function (p) {
      minLat = Math.min(minLat, p.lat); maxLat = Math.max(maxLat, p.lat);
      minLon = Math.min(minLon, p.lon); maxLon = Math.max(maxLon, p.lon);
    });
    var mLat = Math.max(3, 0.15 * (maxLat - minLat)), mLon = Math.max(3, 0.15 * (maxLon - minLon));
    var v = { s: clamp(minLat - mLat, -90, 90), n: clamp(maxLat + mLat, -90, 90),
              w: clamp(minLon - mLon, -180, 180), e: clamp(maxLon + mLon, -180, 180) };
    var k = Math.max(0.2, Math.cos((v.s + v.n) / 2 * Math.PI / 180));
    // Aspect (width/height) between 1 and 2.2, and no taller than 600px at this width.
    var aMin = Math.max(1, width / 600), aMax = Math.max(2.2, aMin);
    var pw = (v.e - v.w) * k, ph = v.n - v.s;
    if (pw / ph < aMin) {
      var lonSpan = Math.min(360, ph * aMin / k), cx = (v.w + v.e) / 2;
      v.w = cx - lonSpan / 2; v.e = cx + lonSpan / 2;
      if (v.w < -180) { v.e += -180 - v.w; v.w = -180; }
      if (v.e > 180) { v.w -= v.e - 180; v.e = 180; }
      v.w = Math.max(-180, v.w);
    } else if (pw / ph > aMax) {
      var latSpan = Math.min(180, pw / aMax), cy = (v.s + v.n) / 2;
      v.s = cy - latSpan / 2; v.n = cy + latSpan / 2;
      if (v.s < -90) { v.n += -90 - v.s; v.s = -90; }
      if (v.n > 90) { v.s -= v.n - 90; v.n = 90; }
      v.s = Math.max(-90, v.s);
    }
    v.k = k;
    v.scale = width / ((v.e - v.w) * k);
    v.width = width;
    v.height = Math.round((v.n - v.s) * v.scale);
    return v;
  }
  function project(v, lon, lat) {
    return [(lon - v.w) * v.k * v.scale, (v.n - lat) * v.scale];
  }

  function ringsOf(geometry) {
    if (!geometry) return [];
    if (geometry.type === "Polygon") return geometry.coordinates;
    if (geometry.type === "MultiPolygon") {
      var out = [];
      geometry.coordinates.forEach(function (poly) { out = out.concat(poly); });
      return out;
    }
    return [];
  }
  function countryPaths(v, features) {
    var g = svg("g", { "class": "map-countries", fill: "#f3f0e8", stroke: "#8f99a3", "stroke-width": 0.6,
                       "stroke-linejoin": "round" });
    features.forEach(function (f) {
      var d = "";
      ringsOf(f.geometry).forEach(function (ring) {
        // Rings that cross the antimeridian (Russia, Fiji) jump from 180 to -180: unwrap them so that they
        // run on, then draw them once more shifted by 360 degrees for the part on the other side.
        var pts = [], prev = null;
        ring.forEach(function (c) {
          var lon = c[0];
          if (prev !== null) {
            while (lon - prev > 180) lon -= 360;
            while (lon - prev < -180) lon += 360;
          }
          pts.push([lon, c[1]]);
          prev = lon;
        });
        var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
        pts.forEach(function (c) {
          minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]);
          minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1]);
        });
        if (maxY < v.s - 1 || minY > v.n + 1) return;  // out of view
        [0, -360, 360].forEach(function (shift) {
          if (maxX + shift < v.w - 1 || minX + shift > v.e + 1) return;
          pts.forEach(function (c, i) {
            var p = project(v, c[0] + shift, c[1]);
            d += (i ? "L" : "M") + p[0].toFixed(1) + "," + p[1].toFixed(1);
          });
          d += "Z";
        });
      });
      if (!d) return;
      var path = svg("path", { d: d });
      if (f.properties && f.properties.name) path.appendChild(svg("title", null, f.properties.name));
      g.appendChild(path);
    });
    return g;
  }

  function graticule(v) {
    var g = svg("g", { "class": "map-graticule" });
    var span = Math.max(v.e - v.w, v.n - v.s);
    var step = [1, 2, 5, 10, 15, 30, 45].filter(function (s) { return span / s <= 8; })[0] || 60;
    var lines = svg("g", { stroke: "#9db6cc", "stroke-width": 0.5, "stroke-opacity": 0.7, fill: "none" });
    var labels = svg("g", { fill: "#3d444d", "font-size": 10 });
    var lon, lat, p, q;
    for (lon = Math.ceil(v.w / step) * step; lon <= v.e; lon += step) {
      p = project(v, lon, v.n); q = project(v, lon, v.s);
      lines.appendChild(svg("line", { x1: p[0], y1: p[1], x2: q[0], y2: q[1] }));
      if (q[0] > 24 && q[0] < v.width - 24) {
        labels.appendChild(svg("text", { x: q[0] + 3, y: v.height - 4, "class": "map-halo" }, lonText(lon, 0)));
      }
    }
    for (lat = Math.ceil(v.s / step) * step; lat <= v.n; lat += step) {
      p = project(v, v.w, lat); q = project(v, v.e, lat);
      lines.appendChild(svg("line", { x1: p[0], y1: p[1], x2: q[0], y2: q[1] }));
      if (p[1] > 14 && p[1] < v.height - 16) {
        labels.appendChild(svg("text", { x: 3, y: p[1] - 3, "class": "map-halo" }, latText(lat, 0)));
      }
    }
    g.appendChild(lines);
    g.appendChild(labels);
    return g;
  }

  function overlaps(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  }

  function drawMap(holder, places, features) {
    holder.textContent = "";
    var width = Math.max(280, Math.floor(holder.clientWidth || 0));
    var v = viewOf(places, width);
    var chart = svg("svg", { width: v.width, height: v.height, viewBox: "0 0 " + v.width + " " + v.height,
                             "class": "map-svg", "aria-hidden": "true", focusable: "false" });
    chart.appendChild(svg("rect", { x: 0, y: 0, width: v.width, height: v.height, fill: "#cfe2f1" }));
    if (features) chart.appendChild(countryPaths(v, features));
    chart.appendChild(graticule(v));

    // Dots first (all of them), then labels where they fit: right, left, above, below, else none.
    var pts = places.map(function (p) {
      var xy = project(v, p.lon, p.lat);
      return { place: p, x: xy[0], y: xy[1] };
    });
    var taken = pts.map(function (pt) { return { x: pt.x - 6, y: pt.y - 6, w: 12, h: 12 }; });
    var dots = svg("g", { "class": "map-places" });
    pts.slice().sort(function (a, b) { return a.y - b.y; }).forEach(function (pt) {
      var p = pt.place;
      var href = safeUrl(p.url);
      var g = href ? svg("a", { href: href, tabindex: "-1" }) : svg("g");
      g.appendChild(svg("title", null, p.label + " (" + p.type + "): " + latText(p.lat, 4) + ", " + lonText(p.lon, 4)));
      g.appendChild(svg("circle", { cx: pt.x.toFixed(1), cy: pt.y.toFixed(1), r: 5, fill: "#c2410c",
                                    stroke: "#ffffff", "stroke-width": 1.5 }));
      var w = textWidth(p.label), h = 14;
      var spots = [
        { x: pt.x + 8, y: pt.y - h / 2, anchor: "start" },
        { x: pt.x - 8 - w, y: pt.y - h / 2, anchor: "end" },
        { x: pt.x - w / 2, y: pt.y - 8 - h, anchor: "middle" },
        { x: pt.x - w / 2, y: pt.y + 8, anchor: "middle" }
      ];
      for (var i = 0; i < spots.length; i++) {
        var box = { x: spots[i].x - 1, y: spots[i].y, w: w + 2, h: h };
        if (box.x < 0 || box.y < 0 || box.x + box.w > v.width || box.y + box.h > v.height) continue;
        if (taken.some(function (t) { return overlaps(box, t); })) continue;
        taken.push(box);
        var tx = spots[i].anchor === "start" ? spots[i].x : spots[i].anchor === "end" ? spots[i].x + w : spots[i].x + w / 2;
        g.appendChild(svg("text", { x: tx.toFixed(1), y: (spots[i].y + h - 3).toFixed(1), "text-anchor": spots[i].anchor,
                                    "font-size": 12, "class": "map-label map-halo" }, p.label));
        break;
      }
      dots.appendChild(g);
    });
    chart.appendChild(dots);
    holder.appendChild(chart);
    return v;
  }

  function render(places, features, atlasProblem) {
    var figure = el("figure", { "class": "map-figure" });
    var holder = el("div", { "class": "map-canvas" });
    figure.appendChild(holder);
    var cap = el("figcaption");
    figure.appendChild(cap);
    root.appendChild(figure);
    var v = drawMap(holder, places, features);
    cap.textContent = (places.length === 1 ? "Map of the 1 place" : "Map of the " + places.length + " places") +
      " with coordinates, between " + latText(v.s, 0) + " and " + latText(v.n, 0) + ", " + lonText(v.w, 0) +
      " and " + lonText(v.e, 0) + "; the places are listed below. " +
      (features ? "Country outlines: Natural Earth 1:110m (world-atlas), present-day borders."
                : "Country outlines could not be drawn (" + atlasProblem + ").");

    var level = headingLevel(root);
    root.appendChild(el("h" + level, { "class": "map-list-title" }, "Places with coordinates"));
    var ul = el("ul", { "class": "map-list" });
    places.slice().sort(function (a, b) { return a.label.localeCompare(b.label); }).forEach(function (p) {
      var li = el("li");
      var href = safeUrl(p.url);
      li.appendChild(href ? el("a", { href: href }, p.label) : el("span", null, p.label));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", { "class": "map-type" }, "(" + p.type + ")"));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", { "class": "map-coords" }, latText(p.lat, 4) + ", " + lonText(p.lon, 4)));
      ul.appendChild(li);
    });
    root.appendChild(ul);

    var lastWidth = holder.clientWidth, timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (holder.clientWidth !== lastWidth) {
          lastWidth = holder.clientWidth;
          drawMap(holder, places, features);
        }
      }, 150);
    });
  }

  if (!src) {
    showError("The map has no data source (data-src).");
    return;
  }
  root.setAttribute("aria-busy", "true");
  getJson(src, "places")
    .then(function (data) {
      if (!data || !Array.isArray(data.places)) throw new Error("places: the server's answer has no places");
      var places = [];
      data.places.forEach(function (p) {
        if (!p || typeof p !== "object") return;
        var lat = typeof p.lat === "string" && p.lat.trim() !== "" ? Number(p.lat) : p.lat;
        var lon = typeof p.lon === "string" && p.lon.trim() !== "" ? Number(p.lon) : p.lon;
        if (typeof lat !== "number" || typeof lon !== "number" || !isFinite(lat) || !isFinite(lon)) return;
        if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return;
        places.push({ iri: p.iri, label: String(p.label || p.iri || "(no label)"), url: p.url,
                      type: String(p.type || "place"), lat: lat, lon: lon });
      });
      if (!places.length) {
        root.removeAttribute("aria-busy");
        root.appendChild(el("p", { "class": "view-empty" }, "No place in the graph has coordinates yet."));
        return null;
      }
      return Promise.all([ensureTopojson(), getJson(atlasUrl, "country outlines")])
        .then(function (r) {
          var topo = r[1];
          if (!topo || !topo.objects || !topo.objects.countries) throw new Error("country outlines: no countries in the file");
          return r[0].feature(topo, topo.objects.countries).features;
        })
        .then(function (features) {
          root.removeAttribute("aria-busy");
          render(places, features, null);
        }, function (err) {
          root.removeAttribute("aria-busy");
          render(places, null, err.message);
        });
    })
    .catch(function (err) {
      root.removeAttribute("aria-busy");
      showError("Could not load the map: " + err.message + ".");
    });
})();
