// What every chart of the platform needs, loaded once with the page (base.html): ECharts fetched on first use, in
// order with whatever it needs next (under htmx navigation the scripts of a swapped-in page run as they arrive), and
// a chart that follows its box (sized at init, it drew at half its box when the box got its width later) and goes
// with its page when htmx swaps another one in.
window.ipsCharts = (function () {
  "use strict";
  function need(src, loaded, then) {
    if (loaded()) { then(); return; }
    const script = document.createElement("script");
    script.src = src;
    script.onload = then;
    document.head.appendChild(script);
  }
  function withECharts(then) {
    need("/static/vendor/echarts.min.js", function () { return !!window.echarts; }, then);
  }
  function fit(chart, node) {
    chart.resize();
    if (!window.ResizeObserver) return;
    const watch = new ResizeObserver(function () {
      if (node.isConnected) { chart.resize(); return; }
      watch.disconnect();
      chart.dispose();
    });
    watch.observe(node);
  }
  return { need: need, withECharts: withECharts, fit: fit };
})();
