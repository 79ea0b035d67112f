// A navigation report's charts: each section's chart from the page's JSON block (``report-charts``), drawn into its
// ``chart-<section>`` box — in the platform (ECharts and map layers loaded through charts.js) and in the report saved
// as one HTML file (ECharts and the map layer inlined before this script).
(function () {
  "use strict";
  var block = document.getElementById("report-charts");
  if (!block) return;
  var charts = JSON.parse(block.textContent);
  // A map chart: the values by division code onto the layer's shapes, an older shape read as today's division.
  function mapOption(c) {
    var byCode = {};
    c.codes.forEach(function (code, i) { byCode[code] = c.series[0].values[i]; });
    var aliases = c.map.aliases || {};
    var features = echarts.getMap(c.map.name).geoJSON.features || [];
    var data = features.map(function (f) {
      var value = byCode[aliases[f.id] || f.id];
      return { name: f.properties.name, value: value === undefined ? 0 : value };
    });
    var most = Math.max.apply(null, data.map(function (d) { return d.value; }).concat([1]));
    return { tooltip: { trigger: "item" }, visualMap: { min: 0, max: most, calculable: true, left: "left" },
             series: [{ type: "map", map: c.map.name, roam: false, label: { show: true, fontSize: 10 }, data: data }] };
  }
  // A network: applicants as nodes sized by their filings and coloured by their type, joint filings as links.
  function graphOption(c) {
    var kinds = [];
    c.nodes.forEach(function (n) { if (kinds.indexOf(n.category) < 0) kinds.push(n.category); });
    var most = Math.max.apply(null, c.nodes.map(function (n) { return n.value; }).concat([1]));
    return { tooltip: {}, legend: { data: kinds, top: 0 },
             series: [{ type: "graph", layout: "force", roam: true, draggable: true, force: { repulsion: 160, edgeLength: 90 },
                        label: { show: true, position: "right", fontSize: 10 },
                        categories: kinds.map(function (k) { return { name: k }; }),
                        data: c.nodes.map(function (n) { return { name: n.name, value: n.value, category: kinds.indexOf(n.category),
                                                                  symbolSize: 8 + 30 * Math.sqrt(n.value / most) }; }),
                        links: c.links.map(function (l) { return { source: l.source, target: l.target, value: l.value,
                                                                   lineStyle: { width: Math.min(1 + l.value, 8) } }; }) }] };
  }
  function option(c) {
    if (c.kind === "map") return mapOption(c);
    if (c.kind === "graph") return graphOption(c);
    if (c.kind === "pie") {
      return { tooltip: { trigger: "item" },
               series: [{ type: "pie", radius: "65%", data: c.x.map(function (name, i) { return { name: name, value: c.series[0].values[i] }; }) }] };
    }
    return { tooltip: { trigger: "axis" }, legend: {},
             xAxis: { type: "category", data: c.x, axisLabel: { rotate: c.kind === "bar" ? 30 : 0 } }, yAxis: { type: "value" },
             series: c.series.map(function (s) { return { name: s.name, type: c.kind, data: s.values }; }) };
  }
  function drawOne(id) {
    var c = charts[id];
    var box = document.getElementById("chart-" + id);
    if (!box) return;
    var chart = echarts.init(box);
    var chosen = option(c);
    chosen.animation = false;
    chart.setOption(chosen);
    if (window.ipsCharts) window.ipsCharts.fit(chart, box);
  }
  function draw() {
    Object.keys(charts).forEach(function (id) {
      var c = charts[id];
      if (c.kind !== "map" || echarts.getMap(c.map.name)) { drawOne(id); return; }
      if (!window.ipsCharts) return;  // a saved report inlines its layer: without it there is no map to draw
      window.ipsCharts.need("/map.js?region=" + c.map.region, function () { return !!echarts.getMap(c.map.name); },
                            function () { drawOne(id); });
    });
  }
  if (window.ipsCharts) window.ipsCharts.withECharts(draw); else draw();
})();
