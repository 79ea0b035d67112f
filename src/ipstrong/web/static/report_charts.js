// A navigation report's charts: each section's chart from the page's JSON block (``report-charts``), drawn into its
// ``chart-<section>`` box — in the platform (ECharts loaded through charts.js) and in the report saved as one HTML
// file (ECharts inlined before this script).
(function () {
  "use strict";
  var block = document.getElementById("report-charts");
  if (!block) return;
  var charts = JSON.parse(block.textContent);
  function draw() {
    Object.keys(charts).forEach(function (id) {
      var c = charts[id];
      var box = document.getElementById("chart-" + id);
      if (!box) return;
      var chart = echarts.init(box);
      var option = c.kind === "pie"
        ? { tooltip: { trigger: "item" },
            series: [{ type: "pie", radius: "65%", data: c.x.map(function (name, i) { return { name: name, value: c.series[0].values[i] }; }) }] }
        : { tooltip: { trigger: "axis" }, legend: {},
            xAxis: { type: "category", data: c.x, axisLabel: { rotate: c.kind === "bar" ? 30 : 0 } }, yAxis: { type: "value" },
            series: c.series.map(function (s) { return { name: s.name, type: c.kind, data: s.values }; }) };
      option.animation = false;
      chart.setOption(option);
      if (window.ipsCharts) window.ipsCharts.fit(chart, box);
    });
  }
  if (window.ipsCharts) window.ipsCharts.withECharts(draw); else draw();
})();
