/* Renders the chart of the DataStore preview from the JSON in #ds-chart-data with the
   locally served Chart.js. Without JavaScript the same numbers are in the table below. */
(function () {
  "use strict";
  var el = document.getElementById("ds-chart-data");
  var canvas = document.getElementById("ds-chart");
  if (!el || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(el.textContent);
  var palette = ["#a4161a", "#0b4f9c", "#1d6b35", "#8a4b00", "#5b2a86", "#006d77", "#9c2f6b", "#4a4a55"];
  var colors = data.labels.map(function (_, i) { return palette[i % palette.length]; });
  canvas.hidden = false;
  new Chart(canvas, {
    type: data.kind,
    data: {
      labels: data.labels,
      datasets: [{
        label: canvas.getAttribute("data-label"),
        data: data.values,
        backgroundColor: data.kind === "line" ? "#a4161a" : colors,
        borderColor: data.kind === "line" ? "#a4161a" : "#fff",
        borderWidth: data.kind === "line" ? 2 : 1
      }]
    },
    options: { responsive: true, animation: false, plugins: { legend: { display: data.kind === "pie" } } }
  });
})();
