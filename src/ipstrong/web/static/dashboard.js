// The dashboard's two charts: the chosen indicator on the map of the cities and its series from 2012.
// A click on a city or a year opens the patents behind that figure. Data comes from the page's JSON block.
// ECharts and the map layer are loaded in order through charts.js (see there why).
(function () {
  "use strict";
  var block = document.getElementById("dashboard-data");
  if (!block) return;
  var data = JSON.parse(block.textContent);
  var charts = window.ipsCharts;
  charts.withECharts(function () {
    charts.need("/map.js", function () { return !!echarts.getMap(data.mapName); }, draw);
  });
  function draw() {
    function explain(region, asof) {
      if (data.explain) window.location.href = data.explain + "&region=" + region + "&asof=" + asof;
    }
    var mapNode = document.getElementById("map");
    if (mapNode && echarts.getMap(data.mapName)) {
      var known = data.map.filter(function (d) { return d.value !== null; }).map(function (d) { return d.value; });
      var chart = echarts.init(mapNode);
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) {
          return p.name + "<br>" + (p.value === undefined || isNaN(p.value) ? "—" : p.value.toLocaleString()) + " " + data.unit;
        } },
        visualMap: { min: Math.min.apply(null, known), max: Math.max.apply(null, known),
                     calculable: true, left: "left", inRange: { color: ["#deebf7", "#08519c"] } },
        series: [{ type: "map", map: data.mapName, roam: false,
                   data: data.map.map(function (d) { return { name: d.name, value: d.value, code: d.code }; }) }]
      });
      chart.on("click", function (p) { if (p.data && p.data.code) explain(p.data.code, data.asof); });
      charts.fit(chart, mapNode);
      mapNode.dataset.ready = "true";
    }
    var seriesNode = document.getElementById("series");
    if (seriesNode) {
      var line = echarts.init(seriesNode);
      line.setOption({
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: data.series.map(function (d) { return d.year; }) },
        yAxis: { type: "value", name: data.unit },
        series: [{ type: "line", data: data.series.map(function (d) { return d.value; }) }]
      });
      line.on("click", function (p) { explain(data.region, data.series[p.dataIndex].asof); });
      charts.fit(line, seriesNode);
      seriesNode.dataset.ready = "true";
    }
  }
})();
