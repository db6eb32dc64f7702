// Draws each <canvas data-chart> from the same tables the page shows under "Show the numbers".
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("charts-data").textContent);
  var colours = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#d63384", "#adb5bd"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var table = data[canvas.dataset.chart];
    if (!table || typeof Chart === "undefined") { return; }
    var cols = canvas.dataset.cols.split(",").map(Number);
    var datasets = cols.map(function (col, i) {
      return {
        label: table.headers[col],
        data: table.rows.map(function (row) { return row[col]; }),
        backgroundColor: colours[i % colours.length],
        borderColor: colours[i % colours.length],
        pointRadius: 0,
        tension: 0.1
      };
    });
    canvas._chart = new Chart(canvas, {
      type: canvas.dataset.type,
      data: { labels: table.labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: "bottom" } } }
    });
  });
  document.body.dataset.chartsReady = "1";
})();
