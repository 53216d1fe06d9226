/*
 * The query page: YASGUI (vendored in /static/yasgui/, see its README) set up so that it works offline
 * and no request ever leaves this page's origin.
 *
 * - The saved queries come from <script type="application/json" id="saved-queries"> (filled by the
 *   server); each opens as one YASGUI tab named after its title, the first one active.
 * - Every query goes to /sparql on this origin, with inferred=true|false from the checkbox.
 *
 * Options that keep YASGUI offline (checked against the source of @zazuko/yasgui 4.6.2):
 * - yasqe autocompleters: only "variables" and "prefixes". "class" and "property" call the
 *   Linked Open Vocabularies API (lov.linkeddata.es) while typing.
 * - yasqe.prefixCcApi: null, so the "prefixes" autocompleter uses the prefixes bundled in the JS
 *   instead of fetching prefix.cc.
 * - corsProxy: undefined, so YASGUI never probes an endpoint with an ASK request.
 * - endpointCatalogueOptions.getData: only our endpoint (the default suggests DBpedia and Wikidata).
 * - populateFromUrl: false, so a crafted link (#endpoint=...) cannot point the page at another server
 *   and run a query there on load.
 * - persistenceId: null (YASGUI, YASQE, YASR, and the "prefixes" autocompleter's cache): nothing is
 *   kept in localStorage, so each visit shows the current saved queries and no old tab (with another
 *   endpoint) is restored.
 * - copyEndpointOnNewTab: false, a new tab gets our endpoint, not whatever the current tab was edited to.
 * The CSS bundle loads no fonts or images (no url() at all), the JS bundle no scripts or stylesheets.
 */
(function () {
  "use strict";

  var ENDPOINT = new URL("/sparql", window.location.href).href;
  var OFFLINE_AUTOCOMPLETERS = ["variables", "prefixes"];
  var VIEWS = { table: "table", response: "response" }; // saved-query views YASR can show; others fall back to table
  var NEW_TAB_QUERY = "SELECT ?subject ?predicate ?object WHERE {\n  ?subject ?predicate ?object .\n} LIMIT 10";

  var editorError = document.getElementById("editor-error");
  var inferredBox = document.getElementById("include-inferred");
  document.getElementById("endpoint-url").textContent = ENDPOINT;

  function showError(message) {
    editorError.textContent = message;
    editorError.hidden = false;
  }

  function readSavedQueries() {
    var el = document.getElementById("saved-queries");
    var data;
    try {
      data = JSON.parse(el ? el.textContent : "[]");
    } catch (e) {
      showError("The saved queries could not be read; the editor starts with an example query.");
      return [];
    }
    if (!Array.isArray(data)) return [];
    return data.filter(function (q) {
      return q && typeof q === "object" && typeof q.query === "string";
    });
  }

  function drawSavedList(saved, selectTab) {
    var list = document.getElementById("saved-query-list");
    if (!saved.length) {
      document.getElementById("saved-empty").hidden = false;
      list.hidden = true;
      return;
    }
    saved.forEach(function (q, i) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "saved-query-open";
      button.textContent = q.title || q.name;
      button.addEventListener("click", function () {
        selectTab(i);
      });
      item.appendChild(button);
      if (q.name) {
        var name = document.createElement("code");
        name.className = "saved-query-name";
        name.textContent = q.name;
        item.appendChild(document.createTextNode(" "));
        item.appendChild(name);
      }
      if (q.description) {
        var description = document.createElement("p");
        description.className = "saved-query-description";
        description.textContent = q.description;
        description.title = q.description; // the list shows three lines of it
        item.appendChild(description);
      }
      list.appendChild(item);
    });
  }

  function inferredArgs(args) {
    return (Array.isArray(args) ? args : [])
      .filter(function (arg) {
        return arg && arg.name !== "inferred";
      })
      .concat([{ name: "inferred", value: inferredBox.checked ? "true" : "false" }]);
  }

  var Yasgui = window.Yasgui;
  if (!Yasgui || !Yasgui.Yasqe || !Yasgui.Yasr) {
    showError("The query editor could not be loaded (/static/yasgui/yasgui.min.js).");
    return;
  }

  // YASGUI, YASQE and YASR deep-merge the given options into their defaults with lodash's merge, which
  // merges arrays index by index: a shorter autocompleters list in the options cannot remove the LOV
  // completers. So the shared defaults array is emptied in place (Yasgui.defaults.yasqe is the same
  // object as Yasqe.defaults) before anything is built.
  [Yasgui.Yasqe.defaults, Yasgui.defaults.yasqe].forEach(function (defaults) {
    if (!defaults) return;
    defaults.prefixCcApi = null;
    if (Array.isArray(defaults.autocompleters)) {
      defaults.autocompleters.splice(0, defaults.autocompleters.length);
      OFFLINE_AUTOCOMPLETERS.forEach(function (name) {
        if (Yasgui.Yasqe.Autocompleters[name] && defaults.autocompleters.indexOf(name) < 0) {
          defaults.autocompleters.push(name);
        }
      });
    }
  });
  // The prefixes autocompleter would cache its (bundled) list in localStorage under "prefixes".
  if (Yasgui.Yasqe.Autocompleters.prefixes) Yasgui.Yasqe.Autocompleters.prefixes.persistenceId = null;
  // A tab builds its YASR from Yasr.defaults, not from the yasr options of YASGUI.
  Yasgui.Yasr.defaults.pluginOrder = ["table", "response"];
  Yasgui.Yasr.defaults.defaultPlugin = "table";
  Yasgui.Yasr.defaults.persistenceId = null;

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: null,
    populateFromUrl: false,
    autoAddOnInit: false,
    autofocus: false,
    copyEndpointOnNewTab: false,
    corsProxy: undefined,
    tabName: "Query",
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: ENDPOINT }];
      },
    },
    requestConfig: {
      endpoint: ENDPOINT,
      // GET, not YASGUI's default POST: with POST, YASGUI sends the args in the form body, and the
      // server (web/app.py) reads `inferred` only from the URL's query string.
      method: "GET",
      acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
      acceptHeaderGraph: "text/turtle,*/*;q=0.9",
      args: inferredArgs([]),
      headers: {},
      withCredentials: false,
    },
    yasqe: {
      value: NEW_TAB_QUERY,
      autocompleters: OFFLINE_AUTOCOMPLETERS.slice(),
      prefixCcApi: null,
      persistenceId: null,
      resizeable: true,
      editorHeight: "260px",
    },
    yasr: {
      persistenceId: null,
      pluginOrder: ["table", "response"],
      defaultPlugin: "table",
    },
  });

  function allTabs() {
    return yasgui.persistentConfig
      .getTabs()
      .map(function (id) {
        return yasgui.getTab(id);
      })
      .filter(Boolean);
  }

  function applyInferred(tab) {
    tab.setRequestConfig({ args: inferredArgs(tab.getRequestConfig().args) });
  }

  var saved = readSavedQueries();
  var savedTabIds = [];
  saved.forEach(function (q, i) {
    var tab = yasgui.addTab(i === 0, {
      name: q.title || q.name || "Query " + (i + 1),
      yasqe: { value: q.query },
      yasr: { settings: { selectedPlugin: VIEWS[q.view] || "table", pluginsConfig: {} }, response: undefined },
    });
    savedTabIds.push(tab.getId());
  });
  if (!saved.length) yasgui.addTab(true, { name: "Query" });

  drawSavedList(saved, function (i) {
    var tab = yasgui.getTab(savedTabIds[i]);
    if (!tab) {
      // the user closed that tab: open the saved query again
      var q = saved[i];
      tab = yasgui.addTab(true, { name: q.title || q.name, yasqe: { value: q.query } });
      savedTabIds[i] = tab.getId();
    }
    tab.select();
    document.getElementById("yasgui").scrollIntoView({ block: "start" });
  });

  // The checkbox applies to every tab: new tabs copy yasgui.config.requestConfig, and each tab's arguments
  // are set again right before each request ("queryBefore" fires before YASQE reads the request
  // configuration), so a request always carries the current state of the checkbox.
  allTabs().forEach(applyInferred);
  yasgui.on("queryBefore", function (_yasgui, tab) {
    applyInferred(tab);
  });
  inferredBox.addEventListener("change", function () {
    yasgui.config.requestConfig.args = inferredArgs(yasgui.config.requestConfig.args);
    allTabs().forEach(applyInferred);
  });

  window.kgQueryPage = { yasgui: yasgui, endpoint: ENDPOINT };
})();
