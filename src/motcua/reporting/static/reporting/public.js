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
  pie.setOption({
    color: colors,
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: { bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "65%"], data: [
      { name: names[0], value: data.total.early },
      { name: names[1], value: data.total.on_time },
      { name: names[2], value: data.total.late }
    ] }]
  });
  window.addEventListener("resize", function () { bars.resize(); pie.resize(); });
})();
