// Draws every chart of a medcoding-outlook report, offline, when the page has loaded.
// Each chart is a <div class="medcoding-chart"> with its Vega-Lite spec beside it as JSON
// (analysis.rendering.chart_html); Vega, Vega-Lite and Vega-Embed are in this page's head.
// window.medcodingCharts tells a headless browser when every chart is drawn (analysis.export);
// window.medcodingViews[chart id] is each chart's Vega view (the what-if tests read its signals and data).
// A chart with controls (Vega-Lite params bound to inputs, analysis.present.controls) gets a reset button.
(function () {
  "use strict";
  var state = (window.medcodingCharts = { total: 0, drawn: 0, failed: [], done: false });
  var views = (window.medcodingViews = {});

  function boundParams(spec) {
    var found = (spec.params || []).filter(function (p) { return p.bind && "value" in p; });
    ["layer", "hconcat", "vconcat", "concat"].forEach(function (key) {
      (spec[key] || []).forEach(function (child) { found = found.concat(boundParams(child)); });
    });
    return found;
  }

  function addReset(target, view, spec) {
    var params = boundParams(spec);
    var bindings = target.querySelector(".vega-bindings");
    if (!params.length || !bindings) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "medcoding-reset";
    button.textContent = "Reset the controls to the report's settings";
    button.addEventListener("click", function () {
      params.forEach(function (p) { view.signal(p.name, p.value); });
      view.runAsync();
    });
    bindings.appendChild(button);
  }

  function fail(id, target, error) {
    state.failed.push(id + ": " + error);
    console.error("Chart " + id + " could not be drawn: " + error);
    if (target) {
      target.textContent = "This chart could not be drawn (" + error + ").";
      target.className += " medcoding-chart-failed";
    }
  }

  function drawAll() {
    var options = JSON.parse(document.getElementById("medcoding-embed-options").textContent);
    var specs = document.querySelectorAll("script.medcoding-chart-spec");
    state.total = specs.length;
    var jobs = Array.prototype.map.call(specs, function (node) {
      var id = node.getAttribute("data-chart");
      var target = document.getElementById(id);
      return Promise.resolve()
        .then(function () {
          if (typeof window.vegaEmbed !== "function") {
            throw new Error("the Vega library is missing from this page");
          }
          var spec = JSON.parse(node.textContent);
          return window.vegaEmbed(target, spec, options).then(function (result) {
            views[id] = result.view;
            addReset(target, result.view, spec);
          });
        })
        .then(
          function () {
            // vega-embed's menu button is a <summary> with an icon only: give it a name screen readers say.
            var menu = target.querySelector("details > summary");
            if (menu) {
              menu.setAttribute("aria-label", "Chart menu: save this chart as an SVG or PNG image");
              menu.setAttribute("title", "Save this chart as an image");
            }
            state.drawn += 1;
          },
          function (error) { fail(id, target, error); }
        );
    });
    Promise.all(jobs).then(function () {
      state.done = true;
      document.documentElement.setAttribute("data-charts-drawn", String(state.drawn));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
