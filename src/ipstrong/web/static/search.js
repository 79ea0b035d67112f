// The search page's field picker: the chosen field's example clause is added to the query (ANDed to what is
// there) and its value selected, so the person types over it. And the search history: each query that gave a
// result is kept in this browser (localStorage, the last 20, nothing sent anywhere) and listed under the box, one
// click to run again, with a button that forgets them. Under htmx navigation this script runs after the document
// has loaded (DOMContentLoaded will not come again): it sets the page up at once then.
(function () {
  "use strict";
  const KEY = "ipstrong.searches";
  function remembered() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function history(box) {
    const list = document.getElementById("search-history");
    if (!list) return;
    const ran = box.value.trim();
    let queries = remembered();
    if (ran && document.getElementById("total")) {
      queries = [ran].concat(queries.filter((q) => q !== ran)).slice(0, 20);
      localStorage.setItem(KEY, JSON.stringify(queries));
    }
    const items = list.querySelector("ol");
    items.replaceChildren(...queries.map((q) => {
      const link = document.createElement("a");
      link.href = "/search?q=" + encodeURIComponent(q);
      link.textContent = q;
      const item = document.createElement("li");
      item.append(link);
      return item;
    }));
    list.hidden = queries.length === 0;
    list.querySelector("button").onclick = () => { localStorage.removeItem(KEY); items.replaceChildren(); list.hidden = true; };
  }
  // The analysis of the hits: filing years as a line, the top cities, IPC subclasses and applicants as bars; a
  // click on a bar or a year refines the query like the facet lists beside them.
  function analysis() {
    const block = document.getElementById("analysis-data");
    if (!block || !window.ipsCharts) return;
    const data = JSON.parse(block.textContent);
    window.ipsCharts.withECharts(() => {
      document.querySelectorAll("#analysis .chart[data-facet]").forEach((node) => {
        const facet = data[node.dataset.facet];
        const years = node.dataset.facet === "year";
        const order = years ? facet.labels.map((_l, i) => i).sort((a, b) => facet.labels[a] - facet.labels[b])
          : facet.labels.map((_l, i) => i).slice(0, 10).reverse();
        const chart = echarts.init(node);
        chart.setOption(years ? {
          tooltip: { trigger: "axis" }, grid: { left: 40, right: 10, top: 10, bottom: 30 },
          xAxis: { type: "category", data: order.map((i) => facet.labels[i]) }, yAxis: { type: "value" },
          series: [{ type: "line", data: order.map((i) => facet.counts[i]) }]
        } : {
          tooltip: {}, grid: { left: 10, right: 30, top: 10, bottom: 20, containLabel: true },
          xAxis: { type: "value" }, yAxis: { type: "category", data: order.map((i) => facet.labels[i]) },
          series: [{ type: "bar", data: order.map((i) => facet.counts[i]) }]
        });
        chart.on("click", (p) => { window.location.href = facet.links[order[p.dataIndex]]; });
        window.ipsCharts.fit(chart, node);
        node.dataset.ready = "true";
      });
    });
  }
  function setUp() {
    const picker = document.getElementById("field-picker");
    const box = document.querySelector("#search-form input[name=q]");
    if (!picker || !box || picker.dataset.ready) return;
    picker.dataset.ready = "true";
    history(box);
    analysis();
    picker.addEventListener("change", () => {
      const clause = picker.value;
      if (!clause) return;
      const before = box.value.trim();
      box.value = before ? `${before} AND ${clause}` : clause;
      const value = box.value.length - clause.length + clause.search(/[=<>]+/) + clause.match(/[=<>]+/)[0].length;
      box.focus();
      box.setSelectionRange(value, box.value.length);
      picker.value = "";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
