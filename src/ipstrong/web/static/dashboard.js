// The dashboard's two charts: the chosen indicator on the map — the province's cities, or a city's counties with
// its development zones as marks — and its series from 2012. On the province's map a click on a city opens that
// city's dashboard (for those who see every city); on a city's map a click on a county, and on the series a click on
// a year, opens the patents behind that figure. Data comes from the page's JSON block. ECharts and the map layer are
// loaded in order through charts.js (see there why).
(function () {
  "use strict";
  var block = document.getElementById("dashboard-data");
  if (!block) return;
  var data = JSON.parse(block.textContent);
  var charts = window.ipsCharts;
  charts.withECharts(function () {
    if (!data.mapName) { draw(); return; }
    charts.need(data.mapUrl, function () { return !!echarts.getMap(data.mapName); }, draw);
  });
  function explain(region, asof) {
    if (data.explain) window.location.href = data.explain + "&region=" + region + "&asof=" + asof;
  }
  function shown(value) {
    return value === undefined || value === null || isNaN(value) ? "—" : value.toLocaleString() + " " + data.unit;
  }
  // One entry per shape of the layer, read as today's county: a renamed one (海安县 → 海安市) is shown by its name
  // today (``rename``), one merged into another (港闸区 → 崇川区) keeps its name and carries the figure of the county
  // it is part of today.
  function shapes(features) {
    var aliases = data.aliases || {};
    var byCode = {};
    data.map.forEach(function (d) { byCode[d.code] = d; });
    var shapesOf = {};
    features.forEach(function (f) { var code = aliases[f.id] || f.id; shapesOf[code] = (shapesOf[code] || 0) + 1; });
    var centre = {};
    var rename = {};
    var items = features.map(function (f) {
      var code = aliases[f.id] || f.id;
      var found = byCode[code];
      var name = f.properties.name;
      if (f.properties.cp) centre[code] = f.properties.cp;
      if (found && found.name !== name && shapesOf[code] === 1) { rename[name] = found.name; name = found.name; }
      return { name: name, code: found ? code : null, value: found ? found.value : null,
               today: found && found.name !== name ? found.name : null };
    });
    var known = {};
    items.forEach(function (d) { known[d.code] = true; });
    data.map.forEach(function (d) {  // a layer whose shapes carry no codes (a configured one): match by name
      if (!known[d.code]) items.push({ name: d.name, code: d.code, value: d.value, today: null });
    });
    return { items: items, centre: centre, rename: rename };
  }
  function drawMap(node) {
    var layer = echarts.getMap(data.mapName);
    var found = shapes(layer.geoJSON.features || []);
    var values = data.map.filter(function (d) { return d.value !== null; }).map(function (d) { return d.value; });
    var marks = (data.zones || []).filter(function (z) { return data.zoneAt && found.centre[data.zoneAt[z.code]]; })
      .map(function (z) { return { name: z.name, code: z.code, figure: z.value,
                                   value: found.centre[data.zoneAt[z.code]].concat([z.value]) }; });
    var chart = echarts.init(node);
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        if (p.seriesType === "scatter") return p.data.name + "<br>" + shown(p.data.figure);
        var today = p.data && p.data.today ? "（" + p.data.today + "）" : "";
        return p.name + today + "<br>" + shown(p.value);
      } },
      visualMap: { seriesIndex: 0, min: Math.min.apply(null, values), max: Math.max.apply(null, values),
                   calculable: true, left: "left", inRange: { color: ["#deebf7", "#08519c"] } },
      geo: { map: data.mapName, nameMap: found.rename, roam: false, label: { show: true, fontSize: 11 },
             emphasis: { label: { show: true } } },
      series: [
        { type: "map", geoIndex: 0, data: found.items },
        { type: "scatter", coordinateSystem: "geo", data: marks, symbol: "pin", symbolSize: 26,
          itemStyle: { color: "#d94801" }, label: { show: true, position: "right", formatter: "{b}", fontSize: 11 } }
      ]
    });
    chart.on("click", function (p) {
      var d = p.data || {};
      if (!d.code) return;
      if (p.seriesType === "map" && data.drill) {
        window.location.href = data.drill + "&region=" + d.code;
      } else {
        explain(d.code, data.asof);
      }
    });
    charts.fit(chart, node);
    node.dataset.ready = "true";
  }
  function draw() {
    var mapNode = document.getElementById("map");
    if (mapNode && data.mapName && echarts.getMap(data.mapName)) drawMap(mapNode);
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
