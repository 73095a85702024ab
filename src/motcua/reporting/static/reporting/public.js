/* Charts of the public statistics page (ECharts, vendored). Data: #du-lieu-bieu-do. */
(function () {
  "use strict";
  var source = document.getElementById("du-lieu-bieu-do");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var colors = ["#1b7f3b", "#1f5fa8", "#b3261e"];
  var names = ["Trước hạn", "Đúng hạn", "Quá hạn"];
  var bars = echarts.init(document.getElementById("bieu-do-nhom"), null, { renderer: "svg" });
  bars.setOption({
    color: colors,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.labels,
             axisLabel: { width: 180, overflow: "truncate" } },
    series: [data.early, data.on_time, data.late].map(function (values, i) {
      return { name: names[i], type: "bar", stack: "tong", data: values };
    })
  });
  var pie = echarts.init(document.getElementById("bieu-do-tong"), null, { renderer: "svg" });
  var parts = [data.total.early, data.total.on_time, data.total.late];
  var whole = parts.reduce(function (a, b) { return a + b; }, 0) || 1;
  function share(name) {  // "Trước hạn: 64,0 %" in the legend, Vietnamese decimals
    var value = parts[names.indexOf(name)] * 100 / whole;
    return name + ": " + value.toLocaleString("vi-VN", { maximumFractionDigits: 1 }) + " %";
  }
  pie.setOption({
    color: colors,
    tooltip: { trigger: "item", formatter: function (p) { return share(p.name) + " (" + p.value + ")"; } },
    legend: { bottom: 0, formatter: share },
    series: [{ type: "pie", radius: ["35%", "65%"], label: { show: false }, data: [
      { name: names[0], value: parts[0] },
      { name: names[1], value: parts[1] },
      { name: names[2], value: parts[2] }
    ] }]
  });
  window.addEventListener("resize", function () { bars.resize(); pie.resize(); });
})();
